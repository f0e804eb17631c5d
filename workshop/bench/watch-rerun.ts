import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Lesson } from '../lessons.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { waitFor } from '../wait.ts';
import type { Timing } from './measure.ts';

/** A check run, however slow the machine, finishes well within this. */
const RUN_BOUND_MS = 120_000;

/**
 * The learner's loop in `npm run watch`, timed from a save to the line that counts the checks:
 * `npm run watch <lesson> -- --solution` is started once, then a file of the reference code is
 * saved unchanged (same bytes, so nothing in the repository changes) `runs` times, one run
 * after the other. What the folder watcher waits for a burst of saves to end is part of it.
 */
export async function timeWatchReruns(lesson: Lesson, runs: number, env: NodeJS.ProcessEnv): Promise<Timing> {
  const onWindows = process.platform === 'win32';
  const child = spawn('npm', ['run', '-s', 'watch', lesson.id, '--', '--solution'], {
    cwd: PROJECT_ROOT,
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group, so that the watch program under npm's shell ends with it
    detached: !onWindows,
    shell: onWindows,
  });
  let output = '';
  /** When each run's count line ("lesson-01: 5 passed, 0 failed") arrived, and the line. */
  const countLines: Array<{ at: number; line: string }> = [];
  const countLine = new RegExp(`^${lesson.id}: \\d+ passed[^\\n]*(?=\\n)`, 'gm');
  const onOutput = (chunk: Buffer) => {
    output += chunk.toString();
    const seen = output.match(countLine) ?? [];
    while (countLines.length < seen.length) countLines.push({ at: performance.now(), line: seen[countLines.length]! });
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  /** When run `index` (0: the one at the start) counted its checks; a run that is not green measures nothing. */
  const runEnded = async (index: number) => {
    const { at, line } = await waitFor(() => countLines[index], {
      timeoutMs: RUN_BOUND_MS,
      intervalMs: 10,
      expected: `run ${index + 1} of npm run watch ${lesson.id} -- --solution to count its checks`,
      lastSeen: () => output.slice(-800),
      likelyCause:
        child.exitCode === null ? 'the folder watcher missed the save' : `npm run watch ended (exit ${child.exitCode})`,
    });
    if (!/ 0 failed$/.test(line))
      throw new Error(`the reference code of ${lesson.id} is not green: ${line}\n${output}`);
    return at;
  };

  const saved = path.join(lesson.solutionDir, lesson.files[0]!);
  const timing: Timing = { what: `npm run watch ${lesson.id} -- --solution: save to checks counted`, runs: [] };
  try {
    await runEnded(0);
    for (let run = 1; run <= runs; run++) {
      const started = performance.now();
      fs.writeFileSync(saved, fs.readFileSync(saved));
      timing.runs.push((await runEnded(run)) - started);
    }
    return timing;
  } finally {
    if (onWindows || child.pid === undefined) child.kill();
    else process.kill(-child.pid, 'SIGTERM');
  }
}
