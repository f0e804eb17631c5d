import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { firstFrameOutside } from './platform/stack-frame.ts';

/**
 * Thrown by `todo(...)`: the learner has not written this part yet.
 * The check runner prints it as "not done yet" instead of a failure.
 */
export class TodoError extends Error {
  override readonly name = 'TodoError';
  /** "lesson-03", from a task written "lesson-03 step 2: …"; undefined for a task written otherwise. */
  readonly lessonId: string | undefined;
  /** The step of the lesson's README this todo stands for (2 in "lesson-03 step 2: …"). */
  readonly step: number | undefined;

  constructor(
    readonly task: string,
    readonly location: string | undefined,
  ) {
    super(`not done yet: ${task}${location ? ` (${location})` : ''}`);
    const parsed = parseTodoTask(task);
    this.lessonId = parsed?.lessonId;
    this.step = parsed?.step;
  }
}

/** "lesson-03 step 2: subscribe" → { lessonId: 'lesson-03', step: 2 }. */
export function parseTodoTask(task: string): { lessonId: string; step: number } | undefined {
  const match = /^(lesson-\d{2}) step (\d+)\b/.exec(task);
  return match ? { lessonId: match[1]!, step: Number(match[2]) } : undefined;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type TodoListener = (reached: TodoError) => void;
const listeners = new Set<TodoListener>();

/**
 * Tells `listener` about every todo() reached from now on, before it throws. A todo can be
 * reached where its error never comes back to the caller (inside a kafkajs message handler,
 * which catches, retries and logs), and the checks still need to know the step is not done.
 */
export function whenTodoReached(listener: TodoListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Marks a gap for the learner to fill. Calling it throws, so an unfinished lesson fails fast. */
export function todo(task: string): never {
  const error = new TodoError(task, callerLocation());
  listeners.forEach((listener) => listener(error));
  throw error;
}

export function isTodoError(error: unknown): error is TodoError {
  return error instanceof Error && error.name === 'TodoError';
}

/** The file:line that called todo(), relative to the project, so the learner can jump to it. */
function callerLocation(): string | undefined {
  return firstFrameOutside(new Error().stack ?? '', projectRoot, 'workshop/todo.ts');
}
