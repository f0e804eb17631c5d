import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { LessonResult } from '../workshop/check/outcome.ts';
import { showHint } from '../workshop/hints.ts';
import type { Lesson } from '../workshop/lessons.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';
import { readState, recordCheck } from '../workshop/state.ts';
import { useTempDirs } from './support/temp-dir.ts';

const tempDir = useTempDirs();

/** A lesson in a temporary folder: the sample README and a lesson.ts with the todo(...) calls given. */
function sampleLesson(readme?: string, todos: number[] = []): { lesson: Lesson; stateFile: string } {
  const dir = tempDir();
  if (readme !== undefined) fs.writeFileSync(path.join(dir, 'README.md'), readme);
  fs.writeFileSync(
    path.join(dir, 'lesson.ts'),
    todos.map((step) => `todo('lesson-07 step ${step}: do step ${step}');`).join('\n'),
  );
  const lesson: Lesson = {
    id: 'lesson-07',
    slug: '07-sample',
    folder: '07-sample',
    files: ['lesson.ts'],
    needs: ['broker'],
    live: 'monitor',
    hints: 'README.md#hints',
    number: 7,
    title: 'Sample lesson',
    lessonDir: dir,
    solutionDir: path.join(PROJECT_ROOT, 'solutions', '07-sample'),
    checkFile: '',
  };
  return { lesson, stateFile: path.join(dir, 'state', 'progress.json') };
}
const sample = fs.readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/markdown/lesson-readme.md'), 'utf8');

function hint(lesson: Lesson, stateFile: string, all = false): string {
  const lines: string[] = [];
  showHint(lesson, { all, color: false, print: (line) => lines.push(line), stateFile });
  return lines.join('\n');
}

/** What npm run check records: a failing check of `step`, after the todos of earlier steps are done. */
function failedAt(step: number): LessonResult {
  return {
    lessonId: 'lesson-07',
    outcomes: [
      { name: 'passes', state: 'passed', durationMs: 1, step: 1 },
      { name: 'fails', state: 'failed', message: 'wrong', durationMs: 1, step },
    ],
    fileErrors: [],
  };
}

test('before any check, the hint is for the first todo left; asking again gives that step’s next hint', () => {
  const { lesson, stateFile } = sampleLesson(sample, [3, 2]);
  const first = hint(lesson, stateFile);
  expect(first).toContain('step 2, hint 1 of 2');
  expect(first).toContain('the first todo(...) left is step 2');
  expect(first).toContain('The producer comes from the client:');
  expect(first).toContain('More help with step 2: npm run hint lesson-07  (1 more)');

  const second = hint(lesson, stateFile);
  expect(second).toContain('step 2, hint 2 of 2');
  expect(second).toContain('│ await producer.send({ topic, messages: [{ value }] });');
  expect(second).toContain('That was the last hint for step 2. Still stuck? Compare with solutions/07-sample/.');
  expect(hint(lesson, stateFile)).toContain('step 2, hint 2 of 2');
  expect(readState(stateFile).lessons['lesson-07']?.hintsShownByStep).toEqual({ '2': 2 });
});

test('after a check fails at step 3, the hint is step 3’s, whatever was shown before', () => {
  const { lesson, stateFile } = sampleLesson(sample, []);
  recordCheck(failedAt(1), new Date(), stateFile);
  expect(hint(lesson, stateFile)).toContain('step 1, hint 1 of 2');
  recordCheck(failedAt(3), new Date(), stateFile);
  const third = hint(lesson, stateFile);
  expect(third).toContain('step 3, hint 1 of 1');
  expect(third).toContain('your last npm run check lesson-07 points at step 3');
  expect(third).toContain('Read what `send()` resolved to.');
  recordCheck(failedAt(1), new Date(), stateFile);
  expect(hint(lesson, stateFile), 'step 1 carries on where it was').toContain('step 1, hint 2 of 2');
});

test('--all shows every hint in the README’s order and counts them as shown', () => {
  const { lesson, stateFile } = sampleLesson(sample, [2]);
  const all = hint(lesson, stateFile, true);
  expect(all.match(/hint \d of 4/g)).toEqual(['hint 1 of 4', 'hint 2 of 4', 'hint 3 of 4', 'hint 4 of 4']);
  expect(readState(stateFile).lessons['lesson-07']?.hintsShown).toBe(4);
});

test('a green lesson, with nothing to point at, gives the hints in order', () => {
  const { lesson, stateFile } = sampleLesson(sample, []);
  recordCheck(
    { lessonId: 'lesson-07', outcomes: [{ name: 'a', state: 'passed', durationMs: 1 }], fileErrors: [] },
    new Date(),
    stateFile,
  );
  expect(hint(lesson, stateFile)).toContain('hint 1 of 4');
  expect(hint(lesson, stateFile)).toContain('hint 2 of 4');
});

test('a README without hints, or without a README, says so plainly', () => {
  const { lesson, stateFile } = sampleLesson('# Lesson 07: Sample\n\n## Steps\n');
  expect(hint(lesson, stateFile)).toBe(
    'lesson-07 has no hints yet. The reference solution is in solutions/07-sample/.',
  );
  const missing = sampleLesson();
  expect(() => hint(missing.lesson, missing.stateFile)).toThrow('lesson-07 has no README yet');
});
