import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../workshop/paths.ts';
import { copyProject } from '../support/project-copy.ts';
import { learnerEnv } from '../support/spawn-cli.ts';

/**
 * Every npm script that runs one of the workshop's programs (its command starts with `node`)
 * answers `--help` with its usage and exit 0, before doing anything else, and refuses an
 * unknown option in one line that names the valid ones. On a copy of the project, so that a
 * program that got this wrong (say kafka:stop) cannot touch this checkout's broker.
 */
const commands = Object.entries(
  (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts,
).filter(([, command]) => command.startsWith('node '));
const scripts = commands.map(([name]) => name);

let project: ReturnType<typeof copyProject>;
beforeAll(() => {
  project = copyProject();
});
afterAll(() => project?.remove());

/** `npm run -s <script> -- <args>`, or with `direct`, the script's own node command: npm's half a second saved. */
function run(
  script: string,
  args: string[],
  direct = false,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [, ...nodeArgs] = commands.find(([name]) => name === script)![1].split(' ');
  return new Promise((resolve, reject) => {
    const [file, argv] = direct
      ? [process.execPath, [...nodeArgs, ...args]]
      : ['npm', ['run', '-s', script, '--', ...args]];
    const child = spawn(file, argv, {
      cwd: project.root,
      // nowhere to find a broker: a program that looked for one before reading its options would say so
      env: learnerEnv({ KAFKA_BROKERS: '127.0.0.1:1', NO_COLOR: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('the programs are found', () => {
  expect(scripts).toEqual(expect.arrayContaining(['check', 'kafka', 'kafka:stop', 'simulator', 'failover']));
});

const usage = (script: string) =>
  new RegExp(`^Usage: npm run ${script}\\b.*\\n\\n\\S(.*\\n)*Options:\\n(.*\\n)* {2}--help +show this help\\n$`);

/** Each script's own command, as package.json has it: what npm would start, without npm's half a second. */
describe.concurrent.each(scripts)('npm run %s', (script) => {
  test('--help prints its usage and exits 0', { timeout: 90_000 }, async () => {
    const help = await run(script, ['--help'], true);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(usage(script));
  });
});

describe.concurrent('through npm', () => {
  test('npm run check -- --help: the options reach the program', { timeout: 90_000 }, async () => {
    const help = await run('check', ['--help']);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(usage('check'));
  });

  // the same reader refuses the same way everywhere (tests/args.test.ts); these prove the wiring of three kinds of program
  test.for(['check', 'kafka:stop', 'simulator'])(
    'npm run %s -- --no-such-option is one line naming the valid options',
    { timeout: 90_000 },
    async (script) => {
      const refused = await run(script, ['--no-such-option']);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(
        new RegExp(
          `^❌ unknown option --no-such-option: the options are (--[a-z-]+, )*--help \\(npm run ${script} -- --help explains them\\)\\n$`,
        ),
      );
    },
  );
});
