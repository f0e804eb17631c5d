import fs from 'node:fs';
import path from 'node:path';
import { WatchedProcess, waitForOutput } from '../demo-process.ts';
import type { Lesson } from '../lessons.ts';
import { PROGRAM_LAUNCHER } from '../paths.ts';
import type { Timing } from './measure.ts';

/** A check run, however slow the machine, finishes well within this. */
const RUN_BOUND_MS = 120_000;

/**
 * The learner's loop in `npm run watch`, timed from a save to the line that counts the checks:
 * the watch program is started once on `<lesson> --solution`, then a file of the reference code
 * is saved unchanged (same bytes, so nothing in the repository changes) `runs` times, one run
 * after the other. What the folder watcher waits for a burst of saves to end is part of it.
 * The program is started without npm, whose start-up is not part of a re-run.
 */
export async function timeWatchReruns(lesson: Lesson, runs: number, env: NodeJS.ProcessEnv): Promise<Timing> {
  const watch = new WatchedProcess(
    `npm run watch ${lesson.id} -- --solution`,
    process.execPath,
    [PROGRAM_LAUNCHER, 'workshop/cli/watch.ts', lesson.id, '--solution'],
    { env: { ...env, NO_COLOR: '1' }, ownGroup: process.platform !== 'win32' },
  );
  const countLine = new RegExp(`^${lesson.id}: \\d+ passed`);
  /** When run `index` (0: the one at the start) counted its checks; a run that is not green measures nothing. */
  const runEnded = async (index: number) => {
    const { at, text } = await waitForOutput(
      [watch],
      () => watch.lines.filter((line) => countLine.test(line.text))[index],
      {
        timeoutMs: RUN_BOUND_MS,
        expected: `run ${index + 1} to count its checks (a missed save, if it is still running)`,
      },
    );
    if (!/ 0 failed$/.test(text))
      throw new Error(`the reference code of ${lesson.id} is not green: ${text}\n${watch.describe()}`);
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
    await (process.platform === 'win32' ? watch.interrupt() : watch.pressCtrlC()).catch(() => watch.kill());
  }
}
