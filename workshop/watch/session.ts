import { focusStep, isGreen, type CheckOutcome, type LessonResult } from '../check/outcome.ts';
import { countsText, createOutcomePrinter, problemLines } from '../check/report.ts';
import type { UnfinishedStep } from '../check/unfinished.ts';
import type { Lesson } from '../lessons.ts';
import { displayPath } from '../paths.ts';
import type { FolderWatcher } from './folder-watcher.ts';
import { createRunScheduler, type RunScheduler } from './scheduler.ts';

export interface WatchDeps {
  lessons: readonly Lesson[];
  runChecks(
    lesson: Lesson,
    onOutcome: (outcome: CheckOutcome, nextTodo: UnfinishedStep | undefined) => void,
    onConsole: (text: string) => void,
  ): Promise<LessonResult>;
  /** Remembers the result for `npm run progress`. */
  record(result: LessonResult): void;
  print: (line: string) => void;
  /** Clears the terminal (or marks a new run where there is no screen to clear). */
  clear(): void;
  watch(dir: string, onChange: (file: string) => void): FolderWatcher;
  /** The line of keys under each run; empty when stdin is not a terminal. */
  keysLine: string;
  debounceMs: number;
  /** Every lesson is green: the session is over. */
  onAllDone(): void;
  /**
   * Watch the reference code in solutions/ instead (an instructor editing it live): its checks
   * re-run on save as usual, and a green run stays on the lesson instead of moving on.
   */
  reference?: boolean;
}

export interface WatchSession {
  current(): Lesson;
  scheduler: RunScheduler;
  stop(): void;
}

/**
 * Watches one lesson folder and re-runs its checks on save. When the lesson turns green it
 * says so, moves on to the next lesson and runs that one's checks straight away.
 */
export function startWatchSession(first: Lesson, deps: WatchDeps): WatchSession {
  let lesson = first;
  let watcher: FolderWatcher | undefined;
  let banner: string[] = [];
  const folder = (watched: Lesson) => (deps.reference ? watched.solutionDir : watched.lessonDir);

  const watchLesson = () => {
    watcher?.stop();
    watcher = deps.watch(folder(lesson), () => scheduler.trigger());
  };

  const runOnce = async () => {
    const checked = lesson;
    deps.clear();
    banner.forEach(deps.print);
    banner = [];
    deps.print(
      `👀 ${checked.id} · ${checked.title} — watching ${displayPath(folder(checked))}/ (${watcher?.method ?? 'starting'})`,
    );
    deps.print('');
    const result = await deps.runChecks(checked, createOutcomePrinter(deps.print), (text) =>
      deps.print(
        text
          .trimEnd()
          .split('\n')
          .map((line) => `     │ ${line}`)
          .join('\n'),
      ),
    );
    deps.record(result);
    problemLines(checked, result).forEach(deps.print);
    deps.print('');
    deps.print(`${checked.id}: ${countsText(result)}`);

    if (!isGreen(result) || deps.reference) {
      deps.print(
        isGreen(result)
          ? `✅ The reference code of ${checked.id} passes every check.`
          : `👉 Next step: ${nextStep(result)}`,
      );
      deps.print(`   Save a file in ${displayPath(folder(checked))}/ and the checks run again.`);
      if (deps.keysLine) deps.print(deps.keysLine);
      return;
    }
    const next = deps.lessons[deps.lessons.findIndex((l) => l.id === checked.id) + 1];
    const done = `🎉 ${checked.id} is done. Compare your code with ${displayPath(checked.solutionDir)}/.`;
    if (!next) {
      deps.print(done);
      deps.print('🏁 Every lesson is green. Well done!');
      deps.onAllDone();
      return;
    }
    banner = [done, `➡️  On to ${next.id} · ${next.title}. Read it with: npm run lesson ${next.id}`, ''];
    lesson = next;
    watchLesson();
    scheduler.runNow();
  };

  const scheduler = createRunScheduler(runOnce, deps.debounceMs, (error) => {
    deps.print(`❌ the checks could not run: ${error instanceof Error ? error.message : String(error)}`);
  });
  watchLesson();
  scheduler.runNow();
  return {
    current: () => lesson,
    scheduler,
    stop() {
      scheduler.stop();
      watcher?.stop();
    },
  };
}

/**
 * What to do next: a file that does not load or type-check comes first; then the lowest step
 * that needs work, whether that is the first todo(...) left or a check that fails.
 */
export function nextStep(result: LessonResult): string {
  if (result.fileErrors.length > 0) return 'fix the error above so your file loads, then save.';
  const typeError = result.typeErrors?.[0];
  if (typeError) return `fix the type error at ${typeError.split(' ')[0]}, then save.`;
  const first = result.outcomes.find((outcome) => outcome.state !== 'passed');
  if (!first) return 'save a file to run the checks again.';
  const step = focusStep(result);
  const failing = result.outcomes.find((o) => o.state === 'failed' && (step === undefined || o.step === step));
  if (failing) return `make "${failing.name}" pass (the ❌ above says why), then save.`;
  const own = result.nextTodo?.lessonId === result.lessonId ? result.nextTodo : undefined;
  const reached = result.outcomes.find((o) => o.state === 'todo');
  const location = own?.location ?? (reached && /\(([^()]+:\d+)\)$/.exec(reached.message)?.[1]);
  if (location) return `replace the todo(...) at ${location}, then save.`;
  const anyFailing = result.outcomes.find((o) => o.state === 'failed');
  return anyFailing
    ? `make "${anyFailing.name}" pass (the ❌ above says why), then save.`
    : 'replace the next todo(...) shown above, then save.';
}
