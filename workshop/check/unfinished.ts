import fs from 'node:fs';
import path from 'node:path';
import type { Lesson } from '../lessons.ts';
import { displayPath } from '../paths.ts';
import { parseTodoTask } from '../todo.ts';

/** A todo(...) still in a lesson file: the step it stands for and where it is. */
export interface UnfinishedStep {
  lessonId: string;
  step: number;
  task: string;
  /** "lessons/03-consumer-groups/consumer.ts:60" */
  location: string;
}

/** todo( followed by a string literal, across line breaks: the stubs write the task as the first argument. */
const TODO_CALL = /\btodo\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;

/**
 * The todo(...) calls left in a lesson's files in `dir`, in the order of their steps. The
 * first one is where the learner should work next, whichever todo a check happened to reach
 * first: a check of step 6 may run before any check of step 2.
 */
export function unfinishedSteps(lesson: Lesson, dir = lesson.lessonDir): UnfinishedStep[] {
  const found: UnfinishedStep[] = [];
  for (const file of lesson.files) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) continue;
    const source = fs.readFileSync(full, 'utf8');
    for (const match of source.matchAll(TODO_CALL)) {
      const line = source.slice(0, match.index).split('\n').length;
      if (inComment(source, match.index)) continue;
      const task = match[2]!.replace(/\\(.)/g, '$1');
      const parsed = parseTodoTask(task);
      found.push({
        lessonId: parsed?.lessonId ?? lesson.id,
        step: parsed?.step ?? Number.MAX_SAFE_INTEGER,
        task,
        location: `${displayPath(full)}:${line}`,
      });
    }
  }
  return found.sort((a, b) => a.step - b.step);
}

/** Whether `index` sits in a // line comment or a block comment: a todo the learner commented out is gone. */
function inComment(source: string, index: number): boolean {
  const lineStart = source.lastIndexOf('\n', index) + 1;
  if (/^\s*(\/\/|\*)/.test(source.slice(lineStart, index)) || source.slice(lineStart, index).includes('//'))
    return true;
  const open = source.lastIndexOf('/*', index);
  return open !== -1 && source.lastIndexOf('*/', index) < open;
}

/** "not done yet: lesson-03 step 2: … (lessons/…:60)", the form a TodoError's message has. */
export function todoMessage(step: UnfinishedStep): string {
  return `not done yet: ${step.task} (${step.location})`;
}
