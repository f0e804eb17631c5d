import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importTypeScript } from '../workshop/platform/typescript-import.mjs';
import { ConfigError } from '../workshop/config.ts';
import { lessonById, listLessons } from '../workshop/lessons.ts';
import { displayPath, PROJECT_ROOT } from '../workshop/paths.ts';
import { isTodoError, type TodoError } from '../workshop/todo.ts';

/**
 * Whose code a live program runs: the learner's own (`lessons/`, the default, so their work
 * comes alive) or the reference (`solutions/`, with --solution). Both folders export the same
 * names (see the contracts in each lesson), so the programs do not care which one they get.
 */
export type CodeSource = 'lessons' | 'solutions';

export function codeSource(solution: boolean | undefined): CodeSource {
  return solution ? 'solutions' : 'lessons';
}

/** Where a lesson file is, by the lesson's id in lessons/manifest.json: ('lessons', 'lesson-03', 'consumer.ts'). */
export function lessonFile(source: CodeSource, id: string, file: string): string {
  const lesson = lessonById(id);
  if (!lesson.files.includes(file)) throw new Error(`${file} is not one of ${id}'s files in lessons/manifest.json`);
  return path.join(PROJECT_ROOT, source, lesson.folder, file);
}

export function lessonFileExists(source: CodeSource, id: string, file: string): boolean {
  return fs.existsSync(lessonFile(source, id, file));
}

/** The one lesson loader of the live programs: imports one lesson file, e.g. loadLesson('lessons', 'lesson-03', 'consumer.ts'). */
export async function loadLesson<M>(source: CodeSource, id: string, file: string): Promise<M> {
  const full = lessonFile(source, id, file);
  if (!fs.existsSync(full)) {
    throw new ConfigError(
      `${displayPath(full)} is missing: restore it with npm run reset ${id}${source === 'lessons' ? ', or run with --solution' : ''}`,
    );
  }
  return (await importTypeScript(pathToFileURL(full).href, lessonCodeBuild(source))) as M;
}

/** Every lesson file of `source`, compiled in one build: what two of them import is one module. */
function lessonCodeBuild(source: CodeSource): { name: string; files: string[] } {
  const files = listLessons().flatMap((lesson) =>
    lesson.files.map((file) => path.join(PROJECT_ROOT, source, lesson.folder, file)),
  );
  return { name: `lesson-code-${source}`, files: files.filter((file) => fs.existsSync(file)) };
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
    if (isTodoError(current)) return current;
    current = cause;
  }
  return undefined;
}
