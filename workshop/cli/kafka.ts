import { localBrokerStatus, startLocalBroker, stopLocalBroker } from '../broker/local-broker.ts';
import { runCli } from './run-cli.ts';

const log = (line: string) => console.log(line);

const commands: Record<string, () => Promise<number | void>> = {
  async start() {
    await startLocalBroker(log);
  },
  async stop() {
    await stopLocalBroker(log);
  },
  async status() {
    const status = await localBrokerStatus();
    if (status.answering) {
      const owner = status.alive ? `the workshop broker, pid ${status.pid}` : 'not started by this workshop';
      log(`✅ Kafka is answering on ${status.address} (${owner}). Log: ${status.logFile}`);
      return 0;
    }
    if (status.alive) {
      log(`⚠️  The workshop broker (pid ${status.pid}) is running but not answering on ${status.address}. Log: ${status.logFile}`);
      return 1;
    }
    log(`⏹  No broker is running on ${status.address}. Start one with: npm run kafka`);
    return 1;
  },
};

runCli(async ([command = 'start']) => {
  const run = commands[command];
  if (!run) throw new Error(`unknown command "${command}": use start, stop or status`);
  return run();
});
