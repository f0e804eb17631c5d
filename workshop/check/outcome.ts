import { stripVTControlCharacters } from 'node:util';
import { parseTodoTask } from '../todo.ts';
import type { UnfinishedStep } from './unfinished.ts';

/** What happened to one check, in the learner's terms. `step` is the README step it points the learner at. */
export type CheckOutcome =
  | { name: string; state: 'passed'; durationMs: number; step?: number }
  | { name: string; state: 'todo'; message: string; durationMs: number; step?: number }
  | { name: string; state: 'failed'; message: string; durationMs: number; step?: number };

export interface LessonResult {
  lessonId: string;
  outcomes: CheckOutcome[];
  /** Problems outside any one check: a syntax error in the learner's file, a crashed worker. */
  fileErrors: string[];
  /** What tsc finds wrong in the learner's files, one "file:line:column TSnnnn: message" each. */
  typeErrors?: string[];
  /** The first todo(...) still in the learner's files, in step order: where to work next. */
  nextTodo?: UnfinishedStep;
}

interface ErrorLike {
  name?: string;
  message: string;
}

/** A failed check's first error becomes "not done yet" (a TodoError) or a failure message. */
export function classifyFailure(
  name: string,
  errors: readonly ErrorLike[],
  durationMs: number,
  check: { step?: number; lessonId?: string } = {},
): CheckOutcome {
  const checkStep = check.step;
  const first = errors[0];
  if (!first) return { name, state: 'failed', message: 'failed without an error message', durationMs, step: checkStep };
  if (first.name === 'TodoError' || first.message.startsWith('not done yet: ')) {
    // a todo of another lesson (lesson 04 runs your lesson 03 consumer) has no step in this one
    const todo = parseTodoTask(first.message.replace(/^not done yet: /, ''));
    const step = todo && (check.lessonId === undefined || todo.lessonId === check.lessonId) ? todo.step : checkStep;
    return { name, state: 'todo', message: first.message, durationMs, step };
  }
  return { name, state: 'failed', message: cleanMessage(first.message), durationMs, step: checkStep };
}

/**
 * Vitest's assertion messages read "<our explanation>: expected 3 to be 2 // Object.is equality".
 * The explanation is written in the lesson's words and carries what was seen; vitest's half is
 * for the workshop's authors, not the learner, so it is dropped. An assertion that came without
 * an explanation is a gap in the checks, and says so rather than pass on raw vitest text.
 */
export function cleanMessage(message: string): string {
  const trimmed = stripVTControlCharacters(message).trim();
  const split = /^([\s\S]*?): expected [\s\S]*$/.exec(trimmed);
  if (split?.[1]) return split[1];
  if (/^expected /.test(trimmed))
    return `the check found something it did not expect, and has no words for it yet (please tell the workshop's authors). What it saw: ${trimmed.split('\n')[0]}`;
  return trimmed;
}

export function isGreen(result: LessonResult): boolean {
  return (
    result.fileErrors.length === 0 &&
    (result.typeErrors?.length ?? 0) === 0 &&
    result.outcomes.length > 0 &&
    result.outcomes.every((o) => o.state === 'passed')
  );
}

/** Checks that passed, failed and are not done yet; `errors` are problems outside any check (file and type errors). */
export function countOutcomes(result: LessonResult): { passed: number; failed: number; todo: number; errors: number } {
  return {
    passed: result.outcomes.filter((o) => o.state === 'passed').length,
    failed: result.outcomes.filter((o) => o.state === 'failed').length,
    todo: result.outcomes.filter((o) => o.state === 'todo').length,
    errors: result.fileErrors.length + (result.typeErrors?.length ?? 0),
  };
}

/**
 * The README step to work on now: the earlier of the first todo(...) left and the first failing
 * check's step. Steps build on each other, so the lowest one comes first. Undefined when green.
 */
export function focusStep(result: LessonResult): number | undefined {
  const failing = result.outcomes.find((o) => o.state === 'failed')?.step;
  const unfinished = result.nextTodo?.lessonId === result.lessonId ? result.nextTodo.step : undefined;
  const todoReached = result.outcomes.find((o) => o.state === 'todo')?.step;
  const candidates = [failing, unfinished ?? todoReached].filter((step): step is number => step !== undefined);
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}
