import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ConfigError } from '../workshop/config.ts';
import { clusterCheckFiles, findLesson, listLessons } from '../workshop/lessons.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

test('the manifest and the lessons/ folders agree both ways, and every lesson has a solution and a check file', () => {
  const lessons = listLessons();
  expect(lessons.length).toBeGreaterThan(0);
  const folders = fs
    .readdirSync(path.join(PROJECT_ROOT, 'lessons'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  expect(folders.sort(), 'every folder under lessons/ is an entry of lessons/manifest.json, in order').toEqual(
    lessons.map((lesson) => lesson.folder),
  );
  for (const lesson of lessons) {
    expect(fs.existsSync(lesson.solutionDir), `${lesson.slug} has no solutions/ folder`).toBe(true);
    expect(fs.existsSync(lesson.checkFile), `${lesson.slug} has no checks/${lesson.slug}.check.ts`).toBe(true);
  }
});

test("the manifest's files are the lesson's .ts files, each a stub with a todo( that differs from its solution", () => {
  for (const lesson of listLessons()) {
    const onDisk = fs.readdirSync(lesson.lessonDir).filter((name) => name.endsWith('.ts'));
    expect(onDisk.sort(), `lessons/manifest.json's files for ${lesson.id}`).toEqual([...lesson.files].sort());
    for (const file of lesson.files) {
      const stub = fs.readFileSync(path.join(lesson.lessonDir, file), 'utf8');
      expect(stub, `${lesson.slug}/${file} has no todo( left`).toContain('todo(');
      const solution = path.join(lesson.solutionDir, file);
      expect(fs.existsSync(solution), `solutions/${lesson.slug}/${file} is missing`).toBe(true);
      expect(stub).not.toBe(fs.readFileSync(solution, 'utf8'));
    }
  }
});

test('the lessons that need the 3-node cluster are the ones npm run test:cluster runs', () => {
  expect(clusterCheckFiles()).toEqual(
    listLessons()
      .filter((lesson) => lesson.needs.includes('cluster'))
      .map((lesson) => `checks/${lesson.folder}.check.ts`),
  );
  expect(clusterCheckFiles()).toContain('checks/08-replication-and-failover.check.ts');
});

test('a lesson can be named as lesson-01, 01, 1 or its folder', () => {
  const first = listLessons()[0]!;
  for (const name of [
    first.id,
    String(first.number).padStart(2, '0'),
    String(first.number),
    first.slug,
    first.id.toUpperCase(),
  ]) {
    expect(findLesson(name).slug).toBe(first.slug);
  }
});

test('an unknown lesson is one clear sentence listing the real ones', () => {
  expect(() => findLesson('lesson-99')).toThrow(ConfigError);
  expect(() => findLesson('lesson-99')).toThrow(/unknown lesson "lesson-99": the lessons are lesson-01/);
});
