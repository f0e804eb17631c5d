import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ConfigError } from '../workshop/config.ts';
import { findLesson, listLessons } from '../workshop/lessons.ts';

test('every lesson folder has a solution folder and a check file', () => {
  const lessons = listLessons();
  expect(lessons.length).toBeGreaterThan(0);
  for (const lesson of lessons) {
    expect(fs.existsSync(lesson.solutionDir), `${lesson.slug} has no solutions/ folder`).toBe(true);
    expect(fs.existsSync(lesson.checkFile), `${lesson.slug} has no checks/${lesson.slug}.check.ts`).toBe(true);
  }
});

test('every stub file still has a todo( and differs from its solution', () => {
  for (const lesson of listLessons()) {
    for (const file of fs.readdirSync(lesson.lessonDir).filter((name) => name.endsWith('.ts'))) {
      const stub = fs.readFileSync(path.join(lesson.lessonDir, file), 'utf8');
      expect(stub, `${lesson.slug}/${file} has no todo( left`).toContain('todo(');
      const solution = path.join(lesson.solutionDir, file);
      expect(fs.existsSync(solution), `solutions/${lesson.slug}/${file} is missing`).toBe(true);
      expect(stub).not.toBe(fs.readFileSync(solution, 'utf8'));
    }
  }
});

test('a lesson can be named as lesson-01, 01, 1 or its folder', () => {
  const first = listLessons()[0]!;
  for (const name of [first.id, String(first.number).padStart(2, '0'), String(first.number), first.slug, first.id.toUpperCase()]) {
    expect(findLesson(name).slug).toBe(first.slug);
  }
});

test('an unknown lesson is one clear sentence listing the real ones', () => {
  expect(() => findLesson('lesson-99')).toThrow(ConfigError);
  expect(() => findLesson('lesson-99')).toThrow(/unknown lesson "lesson-99": the lessons are lesson-01/);
});
