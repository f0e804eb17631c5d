import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../workshop/paths.ts';
import { isTodoError, type TodoError } from '../workshop/todo.ts';

/**
 * Whose code the demo runs: the learner's own (`lessons/`, the default, so their work comes
 * alive) or the reference (`solutions/`, with --solution). Both folders export the same names
 * (see the contracts in each lesson), so the programs do not care which one they get.
 */
export type CodeSource = 'lessons' | 'solutions';

export function codeSource(solution: boolean | undefined): CodeSource {
  return solution ? 'solutions' : 'lessons';
}

export function lessonFile(source: CodeSource, lesson: string, file: string): string {
  return path.join(PROJECT_ROOT, source, lesson, file);
}

export function lessonFileExists(source: CodeSource, lesson: string, file: string): boolean {
  return fs.existsSync(lessonFile(source, lesson, file));
}

/** Imports one lesson file, e.g. loadLesson('lessons', '03-consumer-groups', 'consumer.ts'). */
export async function loadLesson<M>(source: CodeSource, lesson: string, file: string): Promise<M> {
  const full = lessonFile(source, lesson, file);
  if (!fs.existsSync(full)) throw new Error(`${source}/${lesson}/${file} is missing: the demo needs it (restore it with git, or run with --solution)`);
  return (await import(pathToFileURL(full).href)) as M;
}

/**
 * The learner's code hit a `todo(...)`: that is not a crash, it is the next step. Returns the
 * one line to show, e.g. "your lessons/03-consumer-groups/consumer.ts is not done yet: lesson-03
 * step 1: … — run with --solution to see the reference", or undefined for any other error.
 */
export function notDoneYet(error: unknown): string | undefined {
  const todo = findTodo(error);
  if (!todo) return undefined;
  const [file, line] = todo.location?.split(/:(?=\d+$)/) ?? [];
  const where = file ? `your ${file} is not done yet` : 'your lesson code is not done yet';
  return `${where}: ${todo.task}${line ? ` (line ${line})` : ''} — run with --solution to see the reference`;
}

/** kafkajs wraps errors thrown in a handler (the cause chain); the TodoError may be inside. */
function findTodo(error: unknown): TodoError | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    const cause: unknown = current.cause;
    if (isTodoError(current)) return current as TodoError;
    current = cause;
  }
  return undefined;
}
