import { expect, test } from 'vitest';
import type { Lesson } from '../workshop/lessons.ts';
import { currentLesson, lessonOrCurrent, progressBar, progressReport, timeAgo } from '../workshop/progress.ts';
import type { WorkshopState } from '../workshop/state.ts';

const lesson = (number: number, title: string): Lesson => {
  const nn = String(number).padStart(2, '0');
  return {
    id: `lesson-${nn}`,
    slug: `${nn}-x`,
    folder: `${nn}-x`,
    files: ['lesson.ts'],
    needs: ['broker'],
    live: 'monitor',
    hints: 'README.md#hints',
    number,
    title,
    lessonDir: `/l/${nn}`,
    solutionDir: `/s/${nn}`,
    checkFile: `/c/${nn}`,
  };
};
const lessons = [lesson(1, 'Producer basics'), lesson(2, 'Keys and partitions'), lesson(3, 'Consumer groups')];
const check = (green: boolean, at: string) => ({ lastCheck: { green, at, passed: 0, failed: 0, todo: 0 } });
const now = new Date('2025-01-01T12:00:00Z');

test('the current lesson is the first one not yet green', () => {
  expect(currentLesson(lessons, { lessons: {} })?.id).toBe('lesson-01');
  expect(currentLesson(lessons, { lessons: { 'lesson-01': check(true, ''), 'lesson-03': check(true, '') } })?.id).toBe(
    'lesson-02',
  );
  const allDone: WorkshopState = { lessons: Object.fromEntries(lessons.map((l) => [l.id, check(true, '')])) };
  expect(currentLesson(lessons, allDone)).toBeUndefined();
  expect(lessonOrCurrent(undefined, lessons, allDone).id, 'the last one once all are done').toBe('lesson-03');
  expect(lessonOrCurrent('2', lessons, allDone).id).toBe('lesson-02');
  expect(() => lessonOrCurrent(undefined, [], { lessons: {} })).toThrow('there are no lessons');
});

test('one row per lesson: number, title, state, last checked; then the bar', () => {
  const state: WorkshopState = {
    lessons: { 'lesson-01': check(true, '2025-01-01T11:00:00Z'), 'lesson-02': check(false, '2025-01-01T11:59:30Z') },
  };
  expect(progressReport(lessons, state, now)).toEqual([
    'Lesson     Title                State           Last checked',
    'lesson-01  Producer basics      ✅ done         1 h ago',
    'lesson-02  Keys and partitions  ❌ failing      just now',
    'lesson-03  Consumer groups      ⬜ not started  —',
    '',
    '[██████████░░░░░░░░░░░░░░░░░░░░] 1/3 lessons done (33%)',
  ]);
});

test('the bar is empty, partial or full', () => {
  expect(progressBar(0, 4, 8)).toBe('[░░░░░░░░] 0/4 lessons done (0%)');
  expect(progressBar(2, 4, 8)).toBe('[████░░░░] 2/4 lessons done (50%)');
  expect(progressBar(4, 4, 8)).toBe('[████████] 4/4 lessons done (100%)');
  expect(progressBar(0, 0, 8)).toBe('[░░░░░░░░] 0/0 lessons done (0%)');
});

test('times read like a person would say them', () => {
  const ago = (seconds: number) => timeAgo(new Date(now.getTime() - seconds * 1000), now);
  expect([ago(5), ago(125), ago(3 * 3600 + 10), ago(30 * 3600), ago(5 * 86400), ago(-10)]).toEqual([
    'just now',
    '2 min ago',
    '3 h ago',
    'yesterday',
    '5 days ago',
    'just now',
  ]);
});
