import { expect, inject, test } from 'vitest';
import { runLessonChecks } from '../../workshop/check/run-lesson.ts';
import { startWarmThread, warmThreadsAdopted } from '../../workshop/check/warm-thread.mjs';
import { findLesson, listLessons } from '../../workshop/lessons.ts';

/**
 * npm run check and npm run watch start the checks' thread before vitest asks for it. It is
 * only taken when it was started the way vitest starts its own: should a vitest upgrade change
 * that, the checks still pass, but lose their head start, and this test says so.
 */
test('a check run adopts the warm thread started before it, and its checks pass in it', async () => {
  const lesson = findLesson('lesson-01', listLessons());
  const before = warmThreadsAdopted();
  startWarmThread();
  const result = await runLessonChecks(lesson, { brokers: inject('brokers'), target: 'solutions' });
  expect(result.outcomes.map((outcome) => `${outcome.state}: ${outcome.name}`)).toEqual(
    result.outcomes.map((outcome) => `passed: ${outcome.name}`),
  );
  expect(result.outcomes.length).toBeGreaterThan(0);
  expect(
    warmThreadsAdopted() - before,
    'the warm thread was not adopted: compare vitestThreadArgs() with the arguments vitest gives its threads',
  ).toBe(1);
});
