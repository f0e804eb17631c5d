import type { Lesson } from './lessons.ts';
import { readLessonReadme } from './markdown/lesson-readme.ts';
import { renderForTerminal } from './markdown/terminal.ts';
import { displayPath } from './paths.ts';
import { readState, recordHintsShown, STATE_FILE } from './state.ts';

export interface HintOptions {
  /** Every hint at once, instead of the next one. */
  all?: boolean;
  color: boolean;
  print: (line: string) => void;
  stateFile?: string;
}

/**
 * Prints the lesson's next hint from its README and remembers how many were shown, so each
 * call gives a little more. Once all are shown the last one is repeated: it is the closest.
 */
export function showHint(lesson: Lesson, options: HintOptions): void {
  const stateFile = options.stateFile ?? STATE_FILE;
  const { hints } = readLessonReadme(lesson);
  const print = options.print;
  if (hints.length === 0) {
    print(`${lesson.id} has no hints yet. The reference solution is in ${displayPath(lesson.solutionDir)}/.`);
    return;
  }
  const alreadyShown = readState(stateFile).lessons[lesson.id]?.hintsShown ?? 0;
  const from = options.all ? 0 : Math.min(alreadyShown, hints.length - 1);
  const to = options.all ? hints.length : from + 1;
  const render = (index: number) =>
    renderForTerminal(hints[index]!.tokens, { color: options.color, baseDir: lesson.lessonDir }).forEach((line) => print(`   ${line}`));

  for (let index = from; index < to; index++) {
    print(`💡 ${lesson.id} · ${lesson.title} — hint ${index + 1} of ${hints.length}`);
    print('');
    render(index);
    print('');
  }
  recordHintsShown(lesson.id, Math.max(alreadyShown, to), stateFile);

  const left = hints.length - to;
  if (left > 0) print(`More help: npm run hint ${lesson.id}  (${left} more)`);
  else print(`That was the last hint. Still stuck? Compare with ${displayPath(lesson.solutionDir)}/.`);
}
