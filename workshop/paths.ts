import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Git-ignored home of everything the workshop writes: broker data, learner progress, backups. */
export const STATE_DIR = path.join(PROJECT_ROOT, '.workshop');

/** How npm starts each program of the workshop, as `node <this> <script.ts>` from the project root. */
export const PROGRAM_LAUNCHER = 'workshop/cli/launch.mjs';

/** Project-relative, forward-slashed: how paths are shown to learners on every OS. */
export function displayPath(file: string): string {
  return path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
}
