import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../workshop/paths.ts';

/**
 * Which code the checks exercise: the learner's stubs (`lessons`, the default), the reference
 * (`solutions`, with --solution) or, in the test suite, a folder of wrong-answer fixtures.
 */
export function targetName(env: NodeJS.ProcessEnv = process.env): string {
  return env.WORKSHOP_TARGET ?? 'lessons';
}

export function targetDir(lessonSlug: string, target = targetName()): string {
  return target === 'lessons' || target === 'solutions'
    ? path.join(PROJECT_ROOT, target, lessonSlug)
    : path.resolve(PROJECT_ROOT, target);
}

/**
 * Imports a lesson's files from `dir` and merges their exports into one object, so a check
 * does not care which file a function lives in. A fixture folder holds only the files it
 * gets wrong; the others come from the solution.
 */
export async function importLesson<M>(lessonSlug: string, files: readonly string[], dir: string): Promise<M> {
  const modules = await Promise.all(
    files.map((file) => {
      const own = path.join(dir, file);
      const chosen = fs.existsSync(own) ? own : path.join(PROJECT_ROOT, 'solutions', lessonSlug, file);
      return import(pathToFileURL(chosen).href) as Promise<Record<string, unknown>>;
    }),
  );
  return Object.assign({}, ...modules) as M;
}
