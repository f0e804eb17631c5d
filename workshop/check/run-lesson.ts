import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startVitest } from 'vitest/node';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { Lesson } from '../lessons.ts';
import { PROJECT_ROOT, STATE_DIR } from '../paths.ts';
import { waitForTransactionCoordinator } from '../broker/coordinators.ts';
import { findOrStartRegistry } from '../registry/discover.ts';
import { PROGRESS_CHANNEL_VARIABLE } from './check-progress.ts';
import { checkThreadEvents, guardedThreads, stopCheckThreads } from './guarded-pool.ts';
import { trackLearnerKafkaClients } from './learner-kafkajs.ts';
import { classifyFailure, type CheckOutcome, type LessonResult } from './outcome.ts';
import { removeLeftovers } from './leftovers.ts';
import { LessonTypeChecker } from './typecheck.ts';
import { unfinishedSteps, type UnfinishedStep } from './unfinished.ts';
import { processExitCode, stallMessage } from './stall-report.ts';
import { CheckWatchdog, watchChecks, type Stall } from './watchdog.ts';

/**
 * vitest keeps what it made of each file (TypeScript turned into JavaScript) here, keyed by the
 * file's text, so a check run transforms only the files that changed since the last one.
 */
const CHECK_MODULE_CACHE = path.join(STATE_DIR, 'vitest-cache');
/** Above the number of checks in any lesson: every check of a lesson starts at once, as on a quiet laptop they all fit. */
const CHECKS_AT_ONCE = 16;

export interface RunOptions {
  brokers: string[];
  /** `lessons` (the learner's code) or `solutions` (the reference). */
  target: 'lessons' | 'solutions';
  /** Called as each check finishes, so results appear one by one, with the first todo(...) left in the files. */
  onOutcome?: (outcome: CheckOutcome, nextTodo: UnfinishedStep | undefined) => void;
  /** Called with what the learner's code printed (console.log) during the checks. */
  onConsole?: (text: string) => void;
  /** A type checker kept open between runs (npm run watch); by default one is started and closed for this run. */
  typeChecker?: LessonTypeChecker;
  /** The schema registry's URL, for a lesson that needs one; found or started (and `log` told) when not given. */
  registry?: string;
  log?: (line: string) => void;
  /** Aborted when nobody waits for the result any more (the check server's client pressed Ctrl+C): the checks' threads are ended. */
  stop?: AbortSignal;
}

/**
 * Runs one lesson's checks file with vitest, in this process, and reports each check's outcome.
 * The learner's code runs in a worker thread with a heap limit, watched from this thread: when
 * it holds the thread, overruns its check by far, or runs out of memory, the thread is ended, the
 * check is reported with the learner call that did not finish, and the rest as not run.
 */
export async function runLessonChecks(lesson: Lesson, options: RunOptions): Promise<LessonResult> {
  const dir = options.target === 'solutions' ? lesson.solutionDir : lesson.lessonDir;
  // tsc runs beside the checks, in a thread of its own
  const typeChecker = options.typeChecker ?? new LessonTypeChecker();
  const typeCheck = typeChecker.check(lesson, dir);
  const nextTodo = unfinishedSteps(lesson, dir)[0];
  const result: LessonResult = { lessonId: lesson.id, outcomes: [], fileErrors: [], nextTodo };
  const names = new Map<string, string>();
  const settled = new Set<string>();
  let stall: Stall | undefined;
  const watchdog = new CheckWatchdog(lesson.id);
  const channel = `workshop-checks-${process.pid}-${randomBytes(4).toString('hex')}`;
  const onStall = (found: Stall) => {
    stall ??= found;
    void stopCheckThreads();
  };
  const onOutOfMemory = (heapMb: number) => onStall(watchdog.crashed('memory', heapMb));
  // checks run side by side and finish in any order; they are reported in the order they are written
  const inOrder = new OrderedRelease<CheckOutcome>((outcome) => {
    result.outcomes.push(outcome);
    options.onOutcome?.(outcome, nextTodo);
  });
  const reporter: Reporter = {
    onTestModuleStart() {
      // stopped while the thread was starting, after endThreads (below) looked for it
      if (options.stop?.aborted) void stopCheckThreads();
    },
    onTestModuleCollected(testModule: TestModule) {
      const tests = [...testModule.children.allTests()];
      tests.forEach((testCase) => names.set(testCase.id, testCase.name));
      inOrder.expect(tests.map((testCase) => testCase.id));
    },
    onTestCaseResult(testCase: TestCase) {
      settled.add(testCase.id);
      inOrder.settle(testCase.id, toOutcome(testCase, lesson.id));
    },
    onTestModuleEnd(testModule: TestModule) {
      for (const error of testModule.errors()) if (!stall) result.fileErrors.push(error.message);
    },
    onTestRunEnd(_modules, unhandledErrors) {
      // the thread that was ended on purpose: what vitest says about that is said better below
      if (stall) return;
      // Node would crash a real program on these, so they count against the lesson
      // one line per distinct error: a loop of unawaited sends can leave dozens of the same one
      const messages = [...new Set(unhandledErrors.map((error) => error.message))];
      for (const message of messages) {
        const times = unhandledErrors.filter((error) => error.message === message).length;
        const exitCode = processExitCode(message);
        result.fileErrors.push(
          exitCode !== undefined
            ? stallMessage({ kind: 'exit', lessonId: lesson.id, boundMs: 0, calls: [], exitCode })
            : `your code left ${times === 1 ? 'a promise' : `${times} promises`} that failed with nobody awaiting ${times === 1 ? 'it' : 'them'}: ${message}. Is an await missing?`,
        );
      }
    },
    onUserConsoleLog(log) {
      options.onConsole?.(log.content);
    },
  };

  // a lesson that needs a registry gets one the way a check gets its broker: found, or started and left running
  const registry = lesson.needs.includes('registry')
    ? (options.registry ?? (await findOrStartRegistry('persistent', options.log ?? ((line) => console.log(line)))).url)
    : undefined;

  // a broker makes its transaction log at the first transaction it sees, and until it has loaded it
  // kafkajs answers "Failed to find group coordinator": the checks, started side by side, would meet that
  if (lesson.needs.includes('transactions')) await waitForTransactionCoordinator(options.brokers);

  // the workers read these when the checks import the learner's module
  process.env.WORKSHOP_TARGET = options.target;
  process.env.WORKSHOP_MODE = 'check';
  process.env[PROGRESS_CHANNEL_VARIABLE] = channel;
  checkThreadEvents.on('out-of-memory', onOutOfMemory);
  const stopWatching = watchChecks(channel, watchdog, onStall);
  const endThreads = () => void stopCheckThreads();
  options.stop?.addEventListener('abort', endThreads, { once: true });
  try {
    // stopped before it began: no thread to start
    if (!options.stop?.aborted) {
      const vitest = await startVitest(
        'test',
        [lesson.checkFile],
        {
          config: false,
          root: PROJECT_ROOT,
          include: ['checks/*.check.ts'],
          pool: guardedThreads(),
          watch: false,
          maxConcurrency: CHECKS_AT_ONCE,
          experimental: { fsModuleCache: true, fsModuleCachePath: CHECK_MODULE_CACHE },
          reporters: [reporter],
          provide: { brokers: options.brokers, ...(registry ? { registry } : {}) },
        },
        { logLevel: 'silent', plugins: [trackLearnerKafkaClients()] },
      );
      await vitest?.close();
    }
  } finally {
    options.stop?.removeEventListener('abort', endThreads);
    stopWatching();
    checkThreadEvents.off('out-of-memory', onOutOfMemory);
    delete process.env[PROGRESS_CHANNEL_VARIABLE];
  }
  // the checks of an ended thread never ran their own cleanup
  const ended = stall !== undefined || options.stop?.aborted === true;
  const leftovers = ended ? removeLeftovers(options.brokers, watchdog.unfinishedRuns()) : undefined;
  // stopped half-way (Ctrl+C): the type check may take seconds more, and its answer is not wanted;
  // nor is the next check kept waiting for the cleanup
  if (options.stop?.aborted) {
    if (!options.typeChecker) typeChecker.close();
    return result;
  }
  await leftovers;
  if (stall) {
    // the check that held the thread first, then every check that never got its turn
    for (const [id, name] of names) {
      if (settled.has(id)) continue;
      const message =
        name === stall.check || stall.check === undefined
          ? stall.message
          : `not run to the end: the checks stopped when "${stall.check}" did not let go (see there)`;
      inOrder.settle(id, { name, state: 'failed', message, durationMs: 0 });
    }
    if (names.size === 0) result.fileErrors.push(stall.message);
  }
  const types = await typeCheck;
  if (!options.typeChecker) typeChecker.close();
  result.typeErrors = types.errors;
  if (types.problem) options.onConsole?.(`⚠️ ${types.problem}`);
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

function toOutcome(testCase: TestCase, lessonId: string): CheckOutcome | undefined {
  const outcome = testCase.result();
  const durationMs = testCase.diagnostic()?.duration ?? 0;
  const step = testCase.meta().step;
  if (outcome.state === 'passed') return { name: testCase.name, state: 'passed', durationMs, step };
  if (outcome.state === 'failed') return classifyFailure(testCase.name, outcome.errors, durationMs, { step, lessonId });
  return undefined;
}
