/** What happened to one check, in the learner's terms. */
export type CheckOutcome =
  | { name: string; state: 'passed'; durationMs: number }
  | { name: string; state: 'todo'; message: string; durationMs: number }
  | { name: string; state: 'failed'; message: string; durationMs: number };

export interface LessonResult {
  lessonId: string;
  outcomes: CheckOutcome[];
  /** Problems outside any one check: a syntax error in the learner's file, a crashed worker. */
  fileErrors: string[];
}

interface ErrorLike {
  name?: string;
  message: string;
}

/** A failed check's first error becomes "not done yet" (a TodoError) or a failure message. */
export function classifyFailure(name: string, errors: readonly ErrorLike[], durationMs: number): CheckOutcome {
  const first = errors[0];
  if (!first) return { name, state: 'failed', message: 'failed without an error message', durationMs };
  if (first.name === 'TodoError' || first.message.startsWith('not done yet: ')) {
    return { name, state: 'todo', message: first.message, durationMs };
  }
  return { name, state: 'failed', message: cleanMessage(first.message), durationMs };
}

/**
 * Vitest's assertion messages read "<our explanation>: expected 3 to be 2". The explanation is
 * what teaches; the expectation stays, on its own line, as the evidence.
 */
export function cleanMessage(message: string): string {
  const trimmed = message.replace(/\u001b\[[0-9;]*m/g, '').trim();
  const split = /^(.*?): (expected [\s\S]*)$/.exec(trimmed);
  return split ? `${split[1]}\n${split[2]}` : trimmed;
}

export function isGreen(result: LessonResult): boolean {
  return result.fileErrors.length === 0 && result.outcomes.length > 0 && result.outcomes.every((o) => o.state === 'passed');
}

export function countOutcomes(result: LessonResult): { passed: number; failed: number; todo: number } {
  return {
    passed: result.outcomes.filter((o) => o.state === 'passed').length,
    failed: result.outcomes.filter((o) => o.state === 'failed').length + result.fileErrors.length,
    todo: result.outcomes.filter((o) => o.state === 'todo').length,
  };
}
