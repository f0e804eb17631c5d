import { expect, test } from 'vitest';
import { isTodoError, todo, TodoError } from '../workshop/todo.ts';

test('todo() throws a TodoError that names the task and the line that called it', () => {
  let caught: unknown;
  try {
    todo('lesson-00 step 1: write something');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TodoError);
  expect(isTodoError(caught)).toBe(true);
  expect((caught as TodoError).location).toMatch(/^tests\/todo\.test\.ts:\d+$/);
  expect((caught as Error).message).toMatch(
    /^not done yet: lesson-00 step 1: write something \(tests\/todo\.test\.ts:\d+\)$/,
  );
});

test('other errors are not TodoErrors', () => {
  expect(isTodoError(new Error('not done yet'))).toBe(false);
  expect(isTodoError('TodoError')).toBe(false);
});
