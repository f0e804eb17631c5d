import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../paths.ts';

export interface Timing {
  what: string;
  runs: number[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile of values sorted ascending (NaN when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/**
 * The whole process, from spawn to exit, as a learner would time it. An unexpected exit code
 * is an error, not a number: a bench of something broken measures nothing.
 */
export function timeCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  expectedExit = 0,
): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      shell: process.platform === 'win32',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === expectedExit
        ? resolve(performance.now() - started)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim().slice(-500)}`)),
    );
  });
}

export async function repeat(what: string, runs: number, once: () => Promise<number>): Promise<Timing> {
  const timing: Timing = { what, runs: [] };
  for (let i = 0; i < runs; i++) timing.runs.push(await once());
  return timing;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function formatTimings(timings: Timing[]): string {
  const rows = timings.map(
    (t) =>
      `| ${t.what} | ${t.runs.length} | ${seconds(median(t.runs))} | ${seconds(Math.min(...t.runs))} | ${seconds(Math.max(...t.runs))} |`,
  );
  return ['| what | runs | median | fastest | slowest |', '| --- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}
