import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { showHint } from '../workshop/hints.ts';
import type { Lesson } from '../workshop/lessons.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';
import { readState } from '../workshop/state.ts';
import { useTempDirs } from './support/temp-dir.ts';

const tempDir = useTempDirs();

function sampleLesson(readme?: string): { lesson: Lesson; stateFile: string } {
  const dir = tempDir();
  if (readme !== undefined) fs.writeFileSync(path.join(dir, 'README.md'), readme);
  const lesson: Lesson = { id: 'lesson-07', slug: '07-sample', number: 7, title: 'Sample lesson', lessonDir: dir, solutionDir: path.join(PROJECT_ROOT, 'solutions', '07-sample'), checkFile: '' };
  return { lesson, stateFile: path.join(dir, 'state', 'progress.json') };
}
const sample = fs.readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/markdown/lesson-readme.md'), 'utf8');

function hint(lesson: Lesson, stateFile: string, all = false): string {
  const lines: string[] = [];
  showHint(lesson, { all, color: false, print: (line) => lines.push(line), stateFile });
  return lines.join('\n');
}

test('each call shows the next hint and remembers it; after the last, the last again', () => {
  const { lesson, stateFile } = sampleLesson(sample);
  const first = hint(lesson, stateFile);
  expect(first).toContain('hint 1 of 3');
  expect(first).toContain('Start with the client: `new Kafka(connection)`.');
  expect(first).toContain('More help: npm run hint lesson-07  (2 more)');
  expect(readState(stateFile).lessons['lesson-07']?.hintsShown).toBe(1);

  expect(hint(lesson, stateFile)).toContain('hint 2 of 3');
  const third = hint(lesson, stateFile);
  expect(third).toContain('hint 3 of 3');
  expect(third).toContain('│ await producer.send({ topic, messages: [{ value }] });');
  expect(third).toContain('That was the last hint. Still stuck? Compare with solutions/07-sample/.');
  expect(hint(lesson, stateFile)).toContain('hint 3 of 3');
  expect(readState(stateFile).lessons['lesson-07']?.hintsShown).toBe(3);
});

test('--all shows every hint and counts them as shown', () => {
  const { lesson, stateFile } = sampleLesson(sample);
  const all = hint(lesson, stateFile, true);
  expect(all.match(/hint \d of 3/g)).toEqual(['hint 1 of 3', 'hint 2 of 3', 'hint 3 of 3']);
  expect(readState(stateFile).lessons['lesson-07']?.hintsShown).toBe(3);
});

test('a README without hints, or without a README, says so plainly', () => {
  const { lesson, stateFile } = sampleLesson('# Lesson 07: Sample\n\n## Steps\n');
  expect(hint(lesson, stateFile)).toBe('lesson-07 has no hints yet. The reference solution is in solutions/07-sample/.');
  const missing = sampleLesson();
  expect(() => hint(missing.lesson, missing.stateFile)).toThrow('lesson-07 has no README yet');
});
