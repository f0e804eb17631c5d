import { localRegistryStatus, startLocalRegistry, stopLocalRegistry } from '../registry/local-registry.ts';
import type { CommandSpec } from './args.ts';
import { runCli } from './run-cli.ts';

const log = (line: string) => console.log(line);

/** `npm run registry`, `registry:stop`, `registry:status`: the schema registry, as `npm run kafka` does the broker. */
const commands: Record<string, () => Promise<number | void>> = {
  async start() {
    await startLocalRegistry(log);
  },
  async stop() {
    await stopLocalRegistry(log);
  },
  async status() {
    const status = await localRegistryStatus();
    if (status.answeringAt) {
      const owner = status.alive ? `the workshop's registry, pid ${status.pid}` : 'not started by this workshop';
      log(`✅ A schema registry is answering at ${status.answeringAt} (${owner}). Log: ${status.logFile}`);
      return 0;
    }
    if (status.alive) {
      log(
        `⚠️  The workshop's schema registry (pid ${status.pid}) is running but not answering at ${status.url}. Log: ${status.logFile}`,
      );
      return 1;
    }
    log(`⏹  No schema registry is running at ${status.url}. Start one with: npm run registry`);
    return 1;
  },
};

const specs: Record<string, CommandSpec> = {
  start: {
    program: 'npm run registry',
    about: 'Starts a local schema registry (a Java process) for lesson 09, and prints where its log is.',
    flags: {},
  },
  stop: {
    program: 'npm run registry:stop',
    about: 'Stops the schema registry that npm run registry started.',
    flags: {},
  },
  status: {
    program: 'npm run registry:status',
    about: 'Says whether a schema registry answers, which process it is, and where its log is.',
    flags: {},
  },
};

// package.json's script puts the command first; what follows is the learner's
const [command = '', ...argv] = process.argv.slice(2);
const run = commands[command];
const spec = specs[command];
if (!run || !spec)
  throw new Error(`workshop/cli/registry.ts needs start, stop or status first (see package.json), not "${command}"`);
runCli(spec, () => run(), { argv });
