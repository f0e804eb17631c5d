import { expect, test } from 'vitest';
import { classifyFailure, cleanMessage, countOutcomes, focusStep, isGreen } from '../workshop/check/outcome.ts';
import type { LessonResult } from '../workshop/check/outcome.ts';
import { countsText, createOutcomePrinter } from '../workshop/check/report.ts';

test('a TodoError becomes "not done yet", keeping its text, its location and its step', () => {
  const outcome = classifyFailure(
    'sends',
    [
      {
        name: 'TodoError',
        message: 'not done yet: lesson-01 step 2: connect (lessons/01-producer-basics/producer.ts:31)',
      },
    ],
    5,
    { step: 4, lessonId: 'lesson-01' },
  );
  expect(outcome).toEqual({
    name: 'sends',
    state: 'todo',
    message: 'not done yet: lesson-01 step 2: connect (lessons/01-producer-basics/producer.ts:31)',
    durationMs: 5,
    step: 2,
  });
});

test("a todo of another lesson keeps the check's own step", () => {
  const outcome = classifyFailure(
    'alerts',
    [{ name: 'TodoError', message: 'not done yet: lesson-03 step 2: start (lessons/03-x/consumer.ts:60)' }],
    5,
    { step: 4, lessonId: 'lesson-04' },
  );
  expect(outcome).toMatchObject({ state: 'todo', step: 4 });
});

test("an assertion keeps its teaching sentence and drops vitest's raw comparison", () => {
  const outcome = classifyFailure(
    'keys',
    [
      {
        name: 'AssertionError',
        message: 'every message needs a key: expected null to be "1234" // Object.is equality',
      },
    ],
    1,
    { step: 2 },
  );
  expect(outcome).toEqual({
    name: 'keys',
    state: 'failed',
    message: 'every message needs a key',
    durationMs: 1,
    step: 2,
  });
  expect(cleanMessage('the late group should replay: expected [ …(2) ] to deeply equal [ …(3) ]')).toBe(
    'the late group should replay',
  );
});

test('an assertion without words of its own is flagged as a gap in the checks, not shown raw and alone', () => {
  const message = cleanMessage('expected -1 to be +0 // Object.is equality');
  expect(message).toMatch(/^the check found something it did not expect, and has no words for it yet/);
});

test('colour codes from assertion diffs are removed', () => {
  expect(cleanMessage('\u001b[31mboom\u001b[39m')).toBe('boom');
});

const passed = { name: 'a', state: 'passed' as const, durationMs: 1 };
const todo = { name: 'b', state: 'todo' as const, message: 'not done yet: x', durationMs: 1 };

test('a lesson is green only when every check passed, the file loaded and it type-checks', () => {
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [passed], fileErrors: [] })).toBe(true);
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [passed, todo], fileErrors: [] })).toBe(false);
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [passed], fileErrors: ['SyntaxError'] })).toBe(false);
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [passed], fileErrors: [], typeErrors: ['a.ts:1:1 TS2322'] })).toBe(
    false,
  );
  expect(isGreen({ lessonId: 'lesson-01', outcomes: [], fileErrors: [] })).toBe(false);
});

test('problems outside the checks are counted apart: a lesson of 4 checks never shows 9 failed', () => {
  const result: LessonResult = {
    lessonId: 'lesson-01',
    outcomes: [passed, todo, { name: 'c', state: 'failed', message: 'x', durationMs: 1 }],
    fileErrors: ['unhandled 1', 'unhandled 2'],
    typeErrors: ['a.ts:1:1 TS2322: …'],
  };
  expect(countOutcomes(result)).toEqual({ passed: 1, failed: 1, todo: 1, errors: 3 });
  expect(countsText(result)).toBe('1 passed, 1 failed, 1 not done yet, 1 type error, 2 errors outside the checks');
});

test('the focus is the lowest step that needs work: the first todo left, or a failing check before it', () => {
  const nextTodo = { lessonId: 'lesson-06', step: 2, task: 'lesson-06 step 2: decode', location: 'x.ts:3' };
  const reachedSix = { ...todo, message: 'not done yet: lesson-06 step 6: signals', step: 6 };
  const failingAt = (step: number) => ({ name: 'f', state: 'failed' as const, message: 'x', durationMs: 1, step });
  const result = (outcomes: LessonResult['outcomes']): LessonResult => ({
    lessonId: 'lesson-06',
    outcomes,
    fileErrors: [],
    nextTodo,
  });
  expect(focusStep(result([reachedSix]))).toBe(2);
  expect(focusStep(result([reachedSix, failingAt(1)]))).toBe(1);
  expect(focusStep(result([failingAt(4)]))).toBe(2);
  expect(focusStep({ ...result([failingAt(4)]), nextTodo: undefined })).toBe(4);
  expect(focusStep({ lessonId: 'lesson-06', outcomes: [passed], fileErrors: [] })).toBeUndefined();
});

test('the printer shows one line per check, and under the first ⏳ the first todo left in step order', () => {
  const lines: string[] = [];
  const print = createOutcomePrinter((line) => lines.push(line));
  const nextTodo = { lessonId: 'lesson-06', step: 2, task: 'lesson-06 step 2: decode', location: 'lessons/x.ts:3' };
  const reachedSix = { state: 'todo' as const, message: 'not done yet: lesson-06 step 6: signals (lessons/x.ts:9)' };
  print({ name: 'first', durationMs: 1, ...reachedSix }, nextTodo);
  print({ name: 'second', durationMs: 1, ...reachedSix }, nextTodo);
  print({ name: 'third', state: 'failed', message: 'wrong', durationMs: 1 }, nextTodo);
  print({ name: 'fourth', state: 'passed', durationMs: 1 }, nextTodo);
  expect(lines).toEqual([
    '  ⏳ first — not done yet',
    '     next TODO: lesson-06 step 2: decode (lessons/x.ts:3)',
    '  ⏳ second — not done yet',
    '  ❌ third',
    '     wrong',
    '  ✅ fourth',
  ]);
});

test("a todo of another lesson's code is shown as it was met", () => {
  const lines: string[] = [];
  const print = createOutcomePrinter((line) => lines.push(line));
  const nextTodo = { lessonId: 'lesson-04', step: 5, task: 'lesson-04 step 5: stop', location: 'lessons/04/f.ts:9' };
  print(
    {
      name: 'alerts',
      state: 'todo',
      message: 'not done yet: lesson-03 step 2: start (lessons/03/c.ts:6)',
      durationMs: 1,
    },
    nextTodo,
  );
  expect(lines).toEqual(['  ⏳ alerts — not done yet', '     next TODO: lesson-03 step 2: start (lessons/03/c.ts:6)']);
});
