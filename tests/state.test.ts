import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { LessonResult } from '../workshop/check/outcome.ts';
import { lessonState, readState, recordCheck, recordHintsShown } from '../workshop/state.ts';
import { useTempDirs } from './support/temp-dir.ts';

const tempDir = useTempDirs();
const green: LessonResult = {
  lessonId: 'lesson-01',
  outcomes: [{ name: 'a', state: 'passed', durationMs: 1 }],
  fileErrors: [],
};
const failing: LessonResult = {
  lessonId: 'lesson-01',
  outcomes: [
    { name: 'a', state: 'passed', durationMs: 1 },
    { name: 'b', state: 'todo', message: 'not done yet: step 2', durationMs: 1 },
    { name: 'c', state: 'failed', message: 'wrong', durationMs: 1 },
  ],
  fileErrors: [],
};

test('a missing or damaged state file reads as a fresh start', () => {
  const file = path.join(tempDir(), 'progress.json');
  expect(readState(file)).toEqual({ lessons: {} });
  fs.writeFileSync(file, '{ not json');
  expect(readState(file)).toEqual({ lessons: {} });
});

test('records the last check of each lesson, with its counts and time', () => {
  const file = path.join(tempDir(), 'nested', 'progress.json');
  recordCheck(failing, new Date('2025-01-01T10:00:00Z'), file);
  expect(readState(file).lessons['lesson-01']).toEqual({
    lastCheck: { green: false, at: '2025-01-01T10:00:00.000Z', passed: 1, failed: 1, todo: 1, errors: 0 },
  });
  recordCheck(green, new Date('2025-01-01T10:05:00Z'), file);
  expect(readState(file).lessons['lesson-01']?.lastCheck).toMatchObject({
    green: true,
    at: '2025-01-01T10:05:00.000Z',
  });
  expect(fs.readdirSync(path.dirname(file)), 'no temporary file left behind').toEqual(['progress.json']);
});

test('hints shown and check results live side by side', () => {
  const file = path.join(tempDir(), 'progress.json');
  recordHintsShown('lesson-01', 2, file);
  recordCheck(green, new Date(), file);
  recordHintsShown('lesson-02', 1, file);
  const { lessons } = readState(file);
  expect(lessons['lesson-01']?.hintsShown).toBe(2);
  expect(lessons['lesson-01']?.lastCheck?.green).toBe(true);
  expect(lessons['lesson-02']).toEqual({ hintsShown: 1 });
});

test('a lesson is not started, failing or done', () => {
  expect(lessonState(undefined)).toBe('not started');
  expect(lessonState({ hintsShown: 3 })).toBe('not started');
  expect(lessonState({ lastCheck: { green: false, at: '', passed: 0, failed: 1, todo: 0 } })).toBe('failing');
  expect(lessonState({ lastCheck: { green: true, at: '', passed: 3, failed: 0, todo: 0 } })).toBe('done');
});
