import path from 'node:path';
import { describe, expect, test, type RunnerTestCase } from 'vitest';
import { startCheckProgress } from '../../workshop/check/check-progress.ts';
import { exitIn, traceLearnerCalls } from '../../workshop/check/learner-calls.ts';
import { processExitCode, stallMessage } from '../../workshop/check/stall-report.ts';
import { isTodoError } from '../../workshop/todo.ts';
import { lessonById } from '../../workshop/lessons.ts';
import { PROJECT_ROOT } from '../../workshop/paths.ts';
import { sameFilePath } from '../../workshop/platform/paths.ts';
import { CheckContext } from './context.ts';
import { importLesson, targetDir, targetName } from './target.ts';
import { failAtFirstTodo } from './todo-scope.ts';
import { countHandlers } from './tracked-kafkajs.ts';
import { within } from './wait.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** The README step a check is about: `npm run hint` shows that step's hints when it fails. */
    step?: number;
  }
}

/** One behaviour the learner's code must show on the live broker. */
export interface LessonCheck<M> {
  name: string;
  /** The step of the lesson's README whose code this check is mostly about (its hints are shown when it fails). */
  step: number;
  /** Call a learner function first, so an untouched stub fails at once with its TODO. */
  run(lesson: M, ctx: CheckContext): Promise<void>;
  timeoutMs?: number;
}

/** A typical mistake, kept as code in checks/fixtures/<lesson>/<fixture>/, that a check must reject. */
export interface WrongAnswer {
  fixture: string;
  /** The name of the check that catches it. */
  rejectedBy: string;
  /** What the failure message must say, so the learner learns why. */
  teaches: RegExp;
}

/** What a check file writes: its lesson's id, its checks, and the fixtures that prove them. */
export interface LessonChecks<M> {
  /** "lesson-01": its folder and files come from lessons/manifest.json. */
  id: string;
  checks: ReadonlyArray<LessonCheck<M>>;
  wrongAnswers: readonly WrongAnswer[];
  /**
   * Correct code written differently from the solution, kept in checks/variants/<lesson>/<name>/:
   * each must pass every check, so the checks never insist on one way of doing it.
   */
  correctVariants?: readonly string[];
  /** One at a time, in order: for checks that kill brokers of the cluster they share (lesson 08). */
  sequential?: boolean;
}

export interface LessonDefinition<M> extends LessonChecks<M> {
  /** "01-producer-basics" */
  slug: string;
  /** The learner's files, relative to the lesson folder. */
  files: readonly string[];
}

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

export function defineLesson<M>(checks: LessonChecks<M>): LessonDefinition<M> {
  const lesson = lessonById(checks.id);
  return { ...checks, slug: lesson.folder, files: lesson.files };
}

/**
 * Runs one check against the code in `dir`, with a fresh context that is always cleaned up.
 * Every call into the learner's code is counted, so that a check that does not finish in time
 * says which call did not return. The runner's main thread hears of the check too (check-progress),
 * and ends the thread when the learner's code holds it so that this timeout cannot even fire.
 */
export async function runCheck<M>(
  definition: LessonDefinition<M>,
  check: LessonCheck<M>,
  dir: string,
  test?: RunnerTestCase,
): Promise<void> {
  const ctx = new CheckContext(definition.id, undefined, test);
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const progress = startCheckProgress(check.name, timeoutMs, ctx.runId);
  const stopCountingHandlers = countHandlers(ctx.runId, progress.tracker);
  try {
    // a todo() reached anywhere in the run, even inside a kafkajs handler, ends it as "not done yet"
    await failAtFirstTodo(async () => {
      const lesson = traceLearnerCalls(
        (await importLesson<M>(definition.slug, definition.files, dir)) as object,
        progress.tracker,
      ) as M;
      await within(
        check.run(lesson, ctx).catch((thrown: unknown) => {
          throw asError(thrown);
        }),
        timeoutMs,
        () =>
          stallMessage({
            kind: 'timeout',
            lessonId: definition.id,
            boundMs: timeoutMs,
            calls: progress.tracker.snapshot(),
          }),
      ).catch((error: Error) => {
        const exitCode = processExitCode(error.message);
        if (exitCode === undefined) throw error;
        const { counts, labelsBySlot } = progress.tracker;
        throw new Error(
          stallMessage({
            kind: 'exit',
            lessonId: definition.id,
            boundMs: timeoutMs,
            calls: progress.tracker.snapshot(),
            exitCode,
            call: exitIn(counts, labelsBySlot)?.call,
          }),
        );
      });
    });
  } finally {
    progress.verdict();
    stopCountingHandlers();
    await ctx.close();
    progress.end();
  }
}

/** Learners sometimes `throw "oops"`; the runner still needs a message and a name. */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(
    `your code threw ${typeof thrown === 'string' ? `the string "${thrown}"` : String(thrown)} instead of an Error: write throw new Error("…")`,
  );
}

async function failureOf(run: Promise<void>): Promise<Error | undefined> {
  try {
    await run;
    return undefined;
  } catch (error) {
    return asError(error);
  }
}

/**
 * Registers the lesson's checks with vitest. WORKSHOP_MODE picks what is proven:
 * - `check` (default): each check must pass against WORKSHOP_TARGET (the learner's or the solution).
 * - `stub`: each check must fail with "not done yet" against the untouched stubs.
 * - `wrong-answers`: each fixture must be rejected by its check, with a message that teaches.
 * - `variants`: each correct variant, written differently from the solution, must pass every check.
 */
export function registerLesson<M>(definition: LessonDefinition<M>, mode = process.env.WORKSHOP_MODE ?? 'check'): void {
  // a check file registers its own checks; a test that imports its definition to run one check does not
  if (!sameFilePath(expect.getState().testPath ?? '', path.join(PROJECT_ROOT, 'checks', `${definition.slug}.check.ts`)))
    return;
  const slowest = Math.max(...definition.checks.map((c) => c.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS));
  const testTimeout = slowest + 10_000;

  // checks use their own topics and groups, so they run side by side: a lesson takes as long as its slowest check
  const group = definition.sequential ? describe : describe.concurrent;
  if (mode === 'check') {
    group(definition.id, () => {
      for (const check of definition.checks) {
        test(
          check.name,
          ({ task }) => {
            task.meta.step = check.step;
            return runCheck(definition, check, targetDir(definition.slug), task);
          },
          testTimeout,
        );
      }
    });
  } else if (mode === 'stub') {
    group(`${definition.id} stub`, () => {
      for (const check of definition.checks) {
        test(
          `"${check.name}" reports not done yet`,
          async ({ task }) => {
            const failure = await failureOf(runCheck(definition, check, targetDir(definition.slug, 'lessons'), task));
            expect(failure?.message ?? 'the check passed', `the untouched stub should fail with a TodoError`).toMatch(
              /^not done yet: /,
            );
            expect(isTodoError(failure)).toBe(true);
          },
          testTimeout,
        );
      }
    });
  } else if (mode === 'wrong-answers') {
    group(`${definition.id} wrong answers`, () => {
      test('has at least three wrong-answer fixtures', () => {
        expect(definition.wrongAnswers.length).toBeGreaterThanOrEqual(3);
      });
      for (const wrong of definition.wrongAnswers) {
        const check = definition.checks.find((c) => c.name === wrong.rejectedBy);
        test(
          `"${wrong.fixture}" is rejected by "${wrong.rejectedBy}"`,
          async ({ task }) => {
            expect(check, `no check is named "${wrong.rejectedBy}"`).toBeDefined();
            const dir = path.join(PROJECT_ROOT, 'checks', 'fixtures', definition.slug, wrong.fixture);
            const failure = await failureOf(runCheck(definition, check!, dir, task));
            expect(failure, `the wrong answer "${wrong.fixture}" passed the check`).toBeDefined();
            expect(isTodoError(failure), failure?.message).toBe(false);
            expect(failure!.message).toMatch(wrong.teaches);
          },
          testTimeout,
        );
      }
    });
  } else if (mode === 'variants') {
    group(`${definition.id} correct variants`, () => {
      test('has at least two correct variants', () => {
        expect(definition.correctVariants?.length ?? 0).toBeGreaterThanOrEqual(2);
      });
      for (const variant of definition.correctVariants ?? []) {
        const dir = path.join(PROJECT_ROOT, 'checks', 'variants', definition.slug, variant);
        for (const check of definition.checks) {
          test(
            `"${variant}" passes "${check.name}"`,
            ({ task }) => runCheck(definition, check, dir, task),
            testTimeout,
          );
        }
      }
    });
  } else {
    throw new Error(`unknown WORKSHOP_MODE "${mode}" (target ${targetName()})`);
  }
}
