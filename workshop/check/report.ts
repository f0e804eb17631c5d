import { displayPath } from '../paths.ts';
import type { Lesson } from '../lessons.ts';
import { countOutcomes, isGreen, type CheckOutcome, type LessonResult } from './outcome.ts';
import { todoMessage, type UnfinishedStep } from './unfinished.ts';

const indent = (text: string, by = '     ') =>
  text
    .split('\n')
    .map((line) => by + line)
    .join('\n');

export function lessonHeader(lesson: Lesson, target: 'lessons' | 'solutions'): string {
  const where =
    target === 'solutions'
      ? `the reference solution in ${displayPath(lesson.solutionDir)}/`
      : `your code in ${displayPath(lesson.lessonDir)}/`;
  return `🔎 ${lesson.id} · ${lesson.title} — checking ${where}`;
}

/**
 * One line per check. Under the first check that is not done yet comes the next TODO: the first
 * todo(...) left in the learner's files in step order (`nextTodo`), whichever todo that check
 * happened to reach. A todo of another lesson (lesson 04 runs your lesson 03 code) is shown
 * as it was met, once.
 */
export function createOutcomePrinter(
  print: (line: string) => void,
): (outcome: CheckOutcome, nextTodo?: UnfinishedStep) => void {
  const shownTodos = new Set<string>();
  return (outcome, nextTodo) => {
    if (outcome.state === 'passed') return print(`  ✅ ${outcome.name}`);
    if (outcome.state === 'failed') {
      print(`  ❌ ${outcome.name}`);
      return print(indent(outcome.message));
    }
    print(`  ⏳ ${outcome.name} — not done yet`);
    const reachedOwnLesson = nextTodo !== undefined && outcome.message.includes(`: ${nextTodo.lessonId} step `);
    const shown = reachedOwnLesson ? todoMessage(nextTodo) : outcome.message;
    if (!shownTodos.has(shown)) {
      shownTodos.add(shown);
      print(indent(shown.replace(/^not done yet: /, 'next TODO: ')));
    }
  };
}

/** "3 passed, 1 failed, 2 not done yet" for the checks; problems outside them are counted apart. */
export function countsText(result: LessonResult): string {
  const { passed, failed, todo } = countOutcomes(result);
  const types = result.typeErrors?.length ?? 0;
  const files = result.fileErrors.length;
  return [
    `${passed} passed`,
    `${failed} failed`,
    ...(todo > 0 ? [`${todo} not done yet`] : []),
    ...(types > 0 ? [`${types} type error${types === 1 ? '' : 's'}`] : []),
    ...(files > 0 ? [`${files} error${files === 1 ? '' : 's'} outside the checks`] : []),
  ].join(', ');
}

/** tsc's findings and the errors outside any check, each as a ❌ block. */
export function problemLines(lesson: Lesson, result: LessonResult): string[] {
  const lines: string[] = [];
  const types = result.typeErrors ?? [];
  if (types.length > 0) {
    lines.push(
      `  ❌ TypeScript finds ${types.length === 1 ? 'an error' : `${types.length} errors`} in your code (tsc)`,
    );
    types.forEach((error) => lines.push(indent(error)));
  }
  result.fileErrors.forEach((error) => lines.push(`  ❌ ${lesson.id} could not run:\n${indent(error)}`));
  return lines;
}

export function lessonSummary(lesson: Lesson, result: LessonResult, next: Lesson | undefined): string[] {
  const lines = problemLines(lesson, result);
  lines.push('', `${lesson.id}: ${countsText(result)}`);
  if (isGreen(result)) {
    lines.push(`🎉 ${lesson.id} is done. Compare your code with ${displayPath(lesson.solutionDir)}/.`);
    lines.push(
      next
        ? `👉 Next: npm run check ${next.id}  (read ${displayPath(next.lessonDir)}/README.md first)`
        : '🏁 That was the last lesson. Well done!',
    );
  } else {
    lines.push(`💡 Stuck? npm run hint ${lesson.id}   ·   👉 Fix the first ❌ or ⏳, save, and run the check again.`);
  }
  return lines;
}
