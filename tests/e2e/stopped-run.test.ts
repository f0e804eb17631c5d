import { expect, inject, test } from 'vitest';
import { checkThreadEvents } from '../../workshop/check/guarded-pool.ts';
import { runLessonChecks } from '../../workshop/check/run-lesson.ts';
import type { LessonTypeChecker } from '../../workshop/check/typecheck.ts';
import { findLesson, listLessons } from '../../workshop/lessons.ts';

/**
 * Ctrl+C during `npm run check` on the check server stops the run there (check-server.ts): the
 * server must be free for the next check at once, whatever the run was doing when it was told.
 */
const lesson = findLesson('lesson-01', listLessons());

/** A type checker still thinking (tsc under load can take seconds): a stopped run must not wait for it. */
function neverAnsweringTypeChecker(): { checker: LessonTypeChecker; closed: () => boolean } {
  let closed = false;
  const checker = {
    check: () => new Promise(() => undefined),
    close: () => void (closed = true),
  } as unknown as LessonTypeChecker;
  return { checker, closed: () => closed };
}

test('a run stopped before its checks start ends at once, with nothing to report', async () => {
  const { checker } = neverAnsweringTypeChecker();
  const result = await runLessonChecks(lesson, {
    brokers: inject('brokers'),
    target: 'solutions',
    typeChecker: checker,
    stop: AbortSignal.abort(),
  });
  expect(result.outcomes).toEqual([]);
  expect(result.typeErrors).toBeUndefined();
});

test('a run stopped while vitest starts its thread ends without running the checks', async () => {
  const { checker } = neverAnsweringTypeChecker();
  const stop = new AbortController();
  // vitest is loading its config when this fires: no thread is there yet for the stop to end
  setTimeout(() => stop.abort(), 0);
  const result = await runLessonChecks(lesson, {
    brokers: inject('brokers'),
    target: 'solutions',
    typeChecker: checker,
    stop: stop.signal,
  });
  const passed = result.outcomes.filter((outcome) => outcome.state === 'passed');
  expect(passed.length, 'the checks ran to the end after the stop').toBe(0);
});

test('a run stopped while its thread starts, before the thread has answered vitest, ends at once', async () => {
  const { checker } = neverAnsweringTypeChecker();
  const stop = new AbortController();
  // in the same turn as the thread is made: its answer to vitest's "start" cannot have come yet;
  // ended then, vitest waited a minute for that answer, and the check server stayed busy
  const abortOnThread = () => stop.abort();
  checkThreadEvents.once('thread', abortOnThread);
  try {
    const result = await runLessonChecks(lesson, {
      brokers: inject('brokers'),
      target: 'solutions',
      typeChecker: checker,
      stop: stop.signal,
    });
    expect(stop.signal.aborted, 'the run made a thread').toBe(true);
    expect(result.outcomes.filter((outcome) => outcome.state === 'passed')).toEqual([]);
  } finally {
    checkThreadEvents.off('thread', abortOnThread);
  }
});

test('a run stopped half-way ends without waiting for the type check, and keeps the outcomes it had', async () => {
  const { checker, closed } = neverAnsweringTypeChecker();
  const stop = new AbortController();
  const result = await runLessonChecks(lesson, {
    brokers: inject('brokers'),
    target: 'solutions',
    typeChecker: checker,
    stop: stop.signal,
    onOutcome: () => stop.abort(),
  });
  expect(result.outcomes.length).toBeGreaterThan(0);
  expect(result.typeErrors).toBeUndefined();
  expect(closed(), "a type checker handed in is the caller's to close").toBe(false);
});
