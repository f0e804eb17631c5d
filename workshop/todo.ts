import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * Thrown by `todo(...)`: the learner has not written this part yet.
 * The check runner prints it as "not done yet" instead of a failure.
 */
export class TodoError extends Error {
  override readonly name = 'TodoError';
  constructor(
    readonly task: string,
    readonly location: string | undefined,
  ) {
    super(`not done yet: ${task}${location ? ` (${location})` : ''}`);
  }
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Marks a gap for the learner to fill. Calling it throws, so an unfinished lesson fails fast. */
export function todo(task: string): never {
  throw new TodoError(task, callerLocation());
}

export function isTodoError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'TodoError';
}

/** The file:line that called todo(), relative to the project, so the learner can jump to it. */
function callerLocation(): string | undefined {
  const frames = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of frames) {
    const match = /(?:file:\/\/)?(\/[^():]+|[A-Za-z]:[\\/][^():]+):(\d+):\d+\)?$/.exec(frame.trim());
    if (!match) continue;
    const file = match[1]!;
    if (file.endsWith(path.join('workshop', 'todo.ts'))) continue;
    return `${path.relative(projectRoot, file).split(path.sep).join('/')}:${match[2]}`;
  }
  return undefined;
}
