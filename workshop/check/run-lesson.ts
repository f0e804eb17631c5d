import { startVitest } from 'vitest/node';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { Lesson } from '../lessons.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { trackLearnerKafkaClients } from './learner-kafkajs.ts';
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
  // checks run side by side and finish in any order; they are reported in the order they are written
  const inOrder = new OrderedRelease<CheckOutcome>((outcome) => {
    result.outcomes.push(outcome);
    options.onOutcome?.(outcome);
  });
  const reporter: Reporter = {
    onTestModuleCollected(testModule: TestModule) {
      inOrder.expect([...testModule.children.allTests()].map((testCase) => testCase.id));
    },
    onTestCaseResult(testCase: TestCase) {
      inOrder.settle(testCase.id, toOutcome(testCase));
    },
    onTestModuleEnd(testModule: TestModule) {
      for (const error of testModule.errors()) result.fileErrors.push(error.message);
    },
    onTestRunEnd(_modules, unhandledErrors) {
      // Node would crash a real program on these, so they count against the lesson
      for (const error of unhandledErrors) {
        result.fileErrors.push(`your code left a promise that failed with nobody awaiting it: ${error.message}. Is an await missing?`);
      }
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
    { logLevel: 'silent', plugins: [trackLearnerKafkaClients()] },
  );
  await vitest?.close();
  return result;
}

/** Hands out results in a fixed order, each as soon as every one before it has arrived. */
class OrderedRelease<T> {
  private order: string[] = [];
  private readonly arrived = new Map<string, T | undefined>();
  private next = 0;

  constructor(private readonly release: (item: T) => void) {}

  expect(ids: string[]): void {
    this.order = ids;
  }

  settle(id: string, item: T | undefined): void {
    this.arrived.set(id, item);
    if (!this.order.includes(id)) this.order.push(id);
    while (this.next < this.order.length && this.arrived.has(this.order[this.next]!)) {
      const ready = this.arrived.get(this.order[this.next++]!);
      if (ready !== undefined) this.release(ready);
    }
  }
}

function toOutcome(testCase: TestCase): CheckOutcome | undefined {
  const outcome = testCase.result();
  const durationMs = testCase.diagnostic()?.duration ?? 0;
  if (outcome.state === 'passed') return { name: testCase.name, state: 'passed', durationMs };
  if (outcome.state === 'failed') return classifyFailure(testCase.name, outcome.errors, durationMs);
  return undefined;
}
