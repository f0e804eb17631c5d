import { displayPath } from '../paths.ts';
import type { Lesson } from '../lessons.ts';
import { countOutcomes, isGreen, type CheckOutcome, type LessonResult } from './outcome.ts';

const indent = (text: string, by = '     ') => text.split('\n').map((line) => by + line).join('\n');

export function lessonHeader(lesson: Lesson, target: 'lessons' | 'solutions'): string {
  const where = target === 'solutions' ? `the reference solution in ${displayPath(lesson.solutionDir)}/` : `your code in ${displayPath(lesson.lessonDir)}/`;
  return `🔎 ${lesson.id} · ${lesson.title} — checking ${where}`;
}

/**
 * One line per check. A TODO's text and location are shown the first time it is met: on an
 * untouched stub every check stops at the same first TODO, and once is enough to read it.
 */
export function createOutcomePrinter(print: (line: string) => void): (outcome: CheckOutcome) => void {
  const shownTodos = new Set<string>();
  return (outcome) => {
    if (outcome.state === 'passed') return print(`  ✅ ${outcome.name}`);
    if (outcome.state === 'failed') {
      print(`  ❌ ${outcome.name}`);
      return print(indent(outcome.message));
    }
    print(`  ⏳ ${outcome.name} — not done yet`);
    if (!shownTodos.has(outcome.message)) {
      shownTodos.add(outcome.message);
      print(indent(outcome.message.replace(/^not done yet: /, 'next TODO: ')));
    }
  };
}

/** "3 passed, 1 failed, 2 not done yet" */
export function countsText(result: LessonResult): string {
  const { passed, failed, todo } = countOutcomes(result);
  return [`${passed} passed`, `${failed} failed`, ...(todo > 0 ? [`${todo} not done yet`] : [])].join(', ');
}

export function lessonSummary(lesson: Lesson, result: LessonResult, next: Lesson | undefined): string[] {
  const lines = result.fileErrors.map((error) => `  ❌ ${lesson.id} could not run:\n${indent(error)}`);
  lines.push('', `${lesson.id}: ${countsText(result)}`);
  if (isGreen(result)) {
    lines.push(`🎉 ${lesson.id} is done. Compare your code with ${displayPath(lesson.solutionDir)}/.`);
    lines.push(next ? `👉 Next: npm run check ${next.id}  (read ${displayPath(next.lessonDir)}/README.md first)` : '🏁 That was the last lesson. Well done!');
  } else {
    lines.push(`💡 Stuck? npm run hint ${lesson.id}   ·   👉 Fix the first ❌ or ⏳, save, and run the check again.`);
  }
  return lines;
}
