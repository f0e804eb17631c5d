import { spawn } from 'node:child_process';
import { PROGRAM_LAUNCHER, PROJECT_ROOT } from '../../workshop/paths.ts';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
  durationMs: number;
}

/**
 * Runs a workshop CLI the way `npm run` does (through workshop/cli/launch.mjs), as a real
 * child process in `cwd` (this project, or a copy of it), and collects what it printed. A run
 * still going after `killAfterMs` is killed, so a hang fails the test instead of stalling the suite.
 */
export function runWorkshopCli(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  killAfterMs = 30_000,
  cwd = PROJECT_ROOT,
): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROGRAM_LAUNCHER, script, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output, durationMs: performance.now() - started });
    });
  });
}

/** The environment of a learner's shell: no test-runner variables leaking into the child. */
export function learnerEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|WORKSHOP_|TEST$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  // no check server outliving the test, unless the test is about it (tests/e2e/check-server.test.ts)
  return { ...env, WORKSHOP_CHECK_SERVER: 'off', ...overrides };
}

/** A stack trace line, which a learner should never see. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
