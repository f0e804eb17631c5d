import { startVitest } from 'vitest/node';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { Lesson } from '../lessons.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { classifyFailure, type CheckOutcome, type LessonResult } from './outcome.ts';

export interface RunOptions {
  brokers: string[];
  /** `lessons` (the learner's code) or `solutions` (the reference). */
  target: 'lessons' | 'solutions';
  /** Called as each check finishes, so results appear one by one. */
  onOutcome?: (outcome: CheckOutcome) => void;
  /** Called with what the learner's code printed (console.log) during the checks. */
  onConsole?: (text: string) => void;
}

/** Runs one lesson's checks file with vitest, in this process, and reports each check's outcome. */
export async function runLessonChecks(lesson: Lesson, options: RunOptions): Promise<LessonResult> {
  const result: LessonResult = { lessonId: lesson.id, outcomes: [], fileErrors: [] };
  const reporter: Reporter = {
    onTestCaseResult(testCase: TestCase) {
      const outcome = toOutcome(testCase);
      if (!outcome) return;
      result.outcomes.push(outcome);
      options.onOutcome?.(outcome);
    },
    onTestModuleEnd(testModule: TestModule) {
      for (const error of testModule.errors()) result.fileErrors.push(error.message);
    },
    onUserConsoleLog(log) {
      options.onConsole?.(log.content);
    },
  };

  // the workers read these when the checks import the learner's module
  process.env.WORKSHOP_TARGET = options.target;
  process.env.WORKSHOP_MODE = 'check';
  const vitest = await startVitest(
    'test',
    [lesson.checkFile],
    {
      config: false,
      root: PROJECT_ROOT,
      include: ['checks/*.check.ts'],
      pool: 'threads',
      watch: false,
      reporters: [reporter],
      provide: { brokers: options.brokers },
    },
    { logLevel: 'silent' },
  );
  await vitest?.close();
  return result;
}

function toOutcome(testCase: TestCase): CheckOutcome | undefined {
  const outcome = testCase.result();
  const durationMs = testCase.diagnostic()?.duration ?? 0;
  if (outcome.state === 'passed') return { name: testCase.name, state: 'passed', durationMs };
  if (outcome.state === 'failed') return classifyFailure(testCase.name, outcome.errors, durationMs);
  return undefined;
}
