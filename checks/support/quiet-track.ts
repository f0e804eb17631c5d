import type { RunnerTask, RunnerTestCase } from 'vitest';
import { pause } from '../../workshop/wait.ts';

/**
 * A race of a check that measures speed is fair only on a quiet track: no other check of its file
 * may run meanwhile. Such a check still starts with the others, so that its topics and clients
 * are ready when the track clears; then `whenAlone` holds its race until every other check of the file
 * has ended (or waits here too), and the waiting ones race one at a time.
 *
 * The waiting checks keep their place among vitest's concurrent ones (lessonChecks' and the check
 * runner's limits, 12 and 16), which a file's few racing checks are far from filling.
 */
const waiting = new Set<RunnerTestCase>();
const POLL_MS = 10;

/**
 * Runs `race` once `test` is alone on the track (at once when there is no test: a check run outside
 * vitest's runner). Of two races waiting, the first to find the track clear leaves the waiting ones,
 * and so holds the other back until its test ends.
 */
export async function whenAlone<T>(test: RunnerTestCase | undefined, race: () => Promise<T>): Promise<T> {
  if (!test) return race();
  waiting.add(test);
  try {
    while (othersStillToRun(test)) await pause(POLL_MS);
  } finally {
    waiting.delete(test);
  }
  return race();
}

/**
 * Whether another test of `test`'s file, not itself waiting for the track, runs now or is still to
 * run beside it (a concurrent one); a test that runs only after this one (a sequential one) is not waited for.
 */
function othersStillToRun(test: RunnerTestCase): boolean {
  return testsOf(test.file.tasks).some(
    (other) =>
      other !== test &&
      other.mode === 'run' &&
      !waiting.has(other) &&
      !ended(other) &&
      (other.concurrent === true || other.result?.state === 'run'),
  );
}

function ended(test: RunnerTestCase): boolean {
  const state = test.result?.state;
  return state === 'pass' || state === 'fail' || state === 'skip';
}

function testsOf(tasks: readonly RunnerTask[]): RunnerTestCase[] {
  return tasks.flatMap((task) => (task.type === 'suite' ? testsOf(task.tasks) : task.type === 'test' ? [task] : []));
}
