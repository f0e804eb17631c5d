import { unfinishedSteps } from './check/unfinished.ts';
import type { Lesson } from './lessons.ts';
import { readLessonReadme, type Hint } from './markdown/lesson-readme.ts';
import { renderForTerminal } from './markdown/terminal.ts';
import { displayPath } from './paths.ts';
import { readState, recordHintsShown, recordStepHintsShown, STATE_FILE, type LessonRecord } from './state.ts';

export interface HintOptions {
  /** Every hint at once, instead of the next one. */
  all?: boolean;
  color: boolean;
  print: (line: string) => void;
  stateFile?: string;
}

/**
 * Prints the next hint for the step the learner is stuck on, from the lesson's README, and
 * remembers it, so asking again gives the next hint for that step. The step is the one the last
 * `npm run check` pointed at (its first failing or unfinished check); before any check, the
 * first todo(...) left. Once a step's hints are all shown, its last one is repeated: it is the
 * closest. `all` prints every hint, in the README's order.
 */
export function showHint(lesson: Lesson, options: HintOptions): void {
  const stateFile = options.stateFile ?? STATE_FILE;
  const { hints } = readLessonReadme(lesson);
  const print = options.print;
  if (hints.length === 0) {
    print(`${lesson.id} has no hints yet. The reference solution is in ${displayPath(lesson.solutionDir)}/.`);
    return;
  }
  const record = readState(stateFile).lessons[lesson.id];
  const focus = options.all ? undefined : stepInFocus(lesson, record);
  const forStep = focus ? hints.filter((hint) => hint.steps.includes(focus.step)) : [];
  const render = (hint: Hint) =>
    renderForTerminal(hint.tokens, { color: options.color, baseDir: lesson.lessonDir }).forEach((line) =>
      print(`   ${line}`),
    );

  if (focus && forStep.length > 0) {
    const alreadyShown = record?.hintsShownByStep?.[String(focus.step)] ?? 0;
    const index = Math.min(alreadyShown, forStep.length - 1);
    print(`💡 ${lesson.id} · ${lesson.title} — step ${focus.step}, hint ${index + 1} of ${forStep.length}`);
    print(`   (${focus.why})`);
    print('');
    render(forStep[index]!);
    print('');
    recordStepHintsShown(lesson.id, focus.step, Math.max(alreadyShown, index + 1), stateFile);
    const left = forStep.length - index - 1;
    if (left > 0) print(`More help with step ${focus.step}: npm run hint ${lesson.id}  (${left} more)`);
    else
      print(
        `That was the last hint for step ${focus.step}. Still stuck? Compare with ${displayPath(lesson.solutionDir)}/.`,
      );
    return;
  }

  const alreadyShown = record?.hintsShown ?? 0;
  const from = options.all ? 0 : Math.min(alreadyShown, hints.length - 1);
  const to = options.all ? hints.length : from + 1;
  for (let index = from; index < to; index++) {
    print(`💡 ${lesson.id} · ${lesson.title} — hint ${index + 1} of ${hints.length}`);
    print('');
    render(hints[index]!);
    print('');
  }
  recordHintsShown(lesson.id, Math.max(alreadyShown, to), stateFile);

  const left = hints.length - to;
  if (left > 0) print(`More help: npm run hint ${lesson.id}  (${left} more)`);
  else print(`That was the last hint. Still stuck? Compare with ${displayPath(lesson.solutionDir)}/.`);
}

/** The step to help with, and why that one; undefined once the lesson is green or nothing points anywhere. */
function stepInFocus(lesson: Lesson, record: LessonRecord | undefined): { step: number; why: string } | undefined {
  const last = record?.lastCheck;
  if (last && !last.green && last.step !== undefined)
    return { step: last.step, why: `your last npm run check ${lesson.id} points at step ${last.step}` };
  if (last?.green) return undefined;
  const next = unfinishedSteps(lesson).find((todo) => todo.lessonId === lesson.id);
  return next
    ? { step: next.step, why: `the first todo(...) left is step ${next.step}, at ${next.location}` }
    : undefined;
}
