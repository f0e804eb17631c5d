import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { lesson03 } from '../checks/03-consumer-groups.check.ts';
import { lesson04 } from '../checks/04-multi-group-pubsub.check.ts';
import { lesson06 } from '../checks/06-reliable-processing.check.ts';
import { runCheck, type LessonDefinition } from '../checks/support/lesson-checks.ts';
import { unfinishedSteps } from '../workshop/check/unfinished.ts';
import { lessonById } from '../workshop/lessons.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';
import { isTodoError, type TodoError } from '../workshop/todo.ts';
import { useTempDirs } from './support/temp-dir.ts';

/**
 * A learner halfway through a lesson: some steps written, some still todo(). Every check that
 * reaches an unfinished step must say "not done yet" for it, at once, even when the todo() is
 * reached inside a kafkajs message handler that catches and retries what it throws.
 */
const fixture = (lesson: LessonDefinition<unknown>, name: string) =>
  path.join(PROJECT_ROOT, 'checks', 'fixtures', lesson.slug, name);

async function failureOf(run: Promise<void>): Promise<unknown> {
  return run.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.concurrent('a todo() reached inside a kafkajs handler is "not done yet" for its step', () => {
  // the checks that never reach the unfinished step, and so pass
  const cases = [
    {
      lesson: lesson03 as LessonDefinition<unknown>,
      name: 'partly-done-step-3',
      step: 3,
      passing: /without a group id/,
    },
    {
      lesson: lesson04 as LessonDefinition<unknown>,
      name: 'partly-done-step-4',
      step: 4,
      passing: /isSuspicious|without a group id/,
    },
    // only the checks that dead-letter reach step 4; the producer, a retry that succeeds, stop() and signals do not
    {
      lesson: lesson06 as LessonDefinition<unknown>,
      name: 'partly-done-step-4',
      step: 4,
      passing: /lost acknowledgement|cannot get through|throws once|stop\(\) in the middle of a batch|SIGTERM/,
    },
  ];
  for (const { lesson, name, step, passing } of cases) {
    for (const check of lesson.checks) {
      test(`${lesson.id} ${name}: "${check.name}"`, async ({ task }) => {
        const started = performance.now();
        const failure = await failureOf(runCheck(lesson, check, fixture(lesson, name), task));
        const seconds = (performance.now() - started) / 1000;
        if (failure === undefined) {
          expect(check.name, 'only a check that never reaches the unfinished step may pass').toMatch(passing);
          return;
        }
        expect(isTodoError(failure), String((failure as Error).message)).toBe(true);
        expect((failure as TodoError).step).toBe(step);
        expect(seconds, 'not done yet is reported at once, not after a wait').toBeLessThan(
          (check.timeoutMs ?? 10_000) / 1000 / 2,
        );
      });
    }
  }
});

const tempDir = useTempDirs();

test('the todos left in a lesson are listed in step order, with their file and line', () => {
  const lesson = lessonById('lesson-06');
  const steps = unfinishedSteps(lesson);
  expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(steps[0]!.location).toMatch(/^lessons\/06-reliable-processing\/producer\.ts:\d+$/);
  expect(steps[1]!.task).toMatch(/^lesson-06 step 2: /);
  expect(unfinishedSteps(lesson, lesson.solutionDir)).toEqual([]);
});

test('a todo the learner commented out is not left; one written over several lines is', () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'consumer.ts'),
    [
      "import { todo } from '../../workshop/todo.ts';",
      "// this.groupId = todo('lesson-03 step 1: choose');",
      '/* todo("lesson-03 step 2: start") */',
      'function handle() {',
      '  todo(',
      "    'lesson-03 step 3: decode, don\\'t trust',",
      '  );',
      '}',
    ].join('\n'),
  );
  const steps = unfinishedSteps({ ...lessonById('lesson-03'), files: ['consumer.ts'] }, dir);
  expect(steps).toEqual([
    {
      lessonId: 'lesson-03',
      step: 3,
      task: "lesson-03 step 3: decode, don't trust",
      location: `${path.relative(PROJECT_ROOT, dir).split(path.sep).join('/')}/consumer.ts:5`,
    },
  ]);
});
