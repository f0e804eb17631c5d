import { expect, test } from 'vitest';
import { classifyFailure, cleanMessage, countOutcomes, isGreen } from '../workshop/check/outcome.ts';
import { createOutcomePrinter } from '../workshop/check/report.ts';

test('a TodoError becomes "not done yet", keeping its text and location', () => {
  const outcome = classifyFailure('sends', [{ name: 'TodoError', message: 'not done yet: lesson-01 step 2: connect (lessons/01-producer-basics/producer.ts:31)' }], 5);
  expect(outcome).toEqual({ name: 'sends', state: 'todo', message: 'not done yet: lesson-01 step 2: connect (lessons/01-producer-basics/producer.ts:31)', durationMs: 5 });
});

test('an assertion keeps its teaching sentence first and the evidence on its own line', () => {
  const outcome = classifyFailure('keys', [{ name: 'AssertionError', message: 'every message needs a key: expected null to be "1234"' }], 1);
  expect(outcome).toMatchObject({ state: 'failed', message: 'every message needs a key\nexpected null to be "1234"' });
});

test('colour codes from assertion diffs are removed', () => {
  expect(cleanMessage('\u001b[31mboom\u001b[39m')).toBe('boom');
});

test('a lesson is green only when every check passed and the file loaded', () => {
  const passed = { name: 'a', state: 'passed' as const, durationMs: 1 };
  const todo = { name: 'b', state: 'todo' as const, message: 'not done yet: x', durationMs: 1 };
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [passed], fileErrors: [] })).toBe(true);
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [passed, todo], fileErrors: [] })).toBe(false);
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [passed], fileErrors: ['SyntaxError'] })).toBe(false);
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [], fileErrors: [] })).toBe(false);
  expect(countOutcomes({ lessonId: 'lesson-01', outcomes: [passed, todo], fileErrors: ['x'] })).toEqual({ passed: 1, failed: 1, todo: 1 });
});

test('the printer shows one line per check and each TODO text once', () => {
  const lines: string[] = [];
  const print = createOutcomePrinter((line) => lines.push(line));
  const todo = { state: 'todo' as const, message: 'not done yet: step 1 (lessons/x.ts:3)', durationMs: 1 };
  print({ name: 'first', ...todo });
  print({ name: 'second', ...todo });
  print({ name: 'third', state: 'failed', message: 'wrong', durationMs: 1 });
  print({ name: 'fourth', state: 'passed', durationMs: 1 });
  expect(lines).toEqual([
    '  ⏳ first — not done yet',
    '     next TODO: step 1 (lessons/x.ts:3)',
    '  ⏳ second — not done yet',
    '  ❌ third',
    '     wrong',
    '  ✅ fourth',
  ]);
});
