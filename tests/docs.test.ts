import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { listLessons } from '../workshop/lessons.ts';
import { parseLessonReadme, readmeProblems } from '../workshop/markdown/lesson-readme.ts';
import { parseMarkdown, sectionsOf } from '../workshop/markdown/markdown.ts';
import { lessonMapRows, npmRunMentions, pathMentions, relativeLinks } from '../workshop/markdown/references.ts';
import { sourcesProblems } from '../workshop/markdown/sources.ts';
import { displayPath, PROJECT_ROOT } from '../workshop/paths.ts';

/**
 * Docs that cannot rot: every markdown file of the workshop is parsed with markdown-it and held
 * to what the repository really contains. A renamed script, a moved file or a new lesson that
 * the guide forgot fails here, not in front of a learner.
 */
/** Not the workshop's own: installed, or written at run time (Stryker's sandboxes hold a copy of every document). */
const SKIP = new Set(['node_modules', '.git', '.workshop', 'fixtures', '.stryker-tmp', 'reports']);

/** Every file of the project, but none under SKIP (whose folders are not even read). */
function projectFiles(dir = PROJECT_ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? projectFiles(full) : [full];
  });
}

function markdownFiles(): string[] {
  return projectFiles().filter((file) => file.endsWith('.md'));
}

const scripts = Object.keys(
  (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts,
);
const files = markdownFiles();
const lessons = listLessons();
/** Files the workshop writes at run time: named in the docs, absent from a fresh clone. */
const GENERATED = /^(\.workshop|node_modules)(\/|$)/;

test('the documents are found', () => {
  const names = files.map(displayPath);
  expect(names).toContain('README.md');
  expect(names).toContain('WORKSHOP.md');
});

describe.each(files.map((file) => [displayPath(file), file] as const))('%s', (_name, file) => {
  const tokens = parseMarkdown(fs.readFileSync(file, 'utf8'));
  const where = (line: number) => `${displayPath(file)}:${line}`;

  test('every `npm run X` it mentions is a script in package.json', () => {
    const unknown = npmRunMentions(tokens)
      .filter((mention) => !scripts.includes(mention.text))
      .map((mention) => `${where(mention.line)} npm run ${mention.text}`);
    expect(unknown, `not in package.json's scripts (${scripts.join(', ')})`).toEqual([]);
  });

  test('every relative link points at a file or folder that exists', () => {
    const broken = relativeLinks(tokens)
      .filter((link) => !fs.existsSync(path.resolve(path.dirname(file), link.text)))
      .map((link) => `${where(link.line)} ${link.text}`);
    expect(broken, 'links to nothing').toEqual([]);
  });

  test('every file path in inline code exists', () => {
    const missing = pathMentions(tokens)
      .filter((mention) => !GENERATED.test(mention.text.replace(/^\.\//, '')))
      .filter((mention) => !existsFrom(file, mention.text))
      .map((mention) => `${where(mention.line)} \`${mention.text}\``);
    expect(missing, 'paths that do not exist (relative to the document or to the project)').toEqual([]);
  });
});

/** A path in the text may be written from the document's folder or from the project root. */
function existsFrom(document: string, mention: string): boolean {
  const bases = [path.dirname(document), PROJECT_ROOT];
  if (!mention.includes('/'))
    return bases.some((base) => fs.existsSync(path.join(base, mention))) || trackedNames().has(mention);
  return bases.some((base) => fs.existsSync(path.resolve(base, mention)));
}

let names: Set<string> | undefined;
/** A bare file name (`producer.ts`) is fine when some file of the project has that name. */
function trackedNames(): Set<string> {
  names ??= new Set(projectFiles().map((file) => path.basename(file)));
  return names;
}

describe.each(lessons.map((lesson) => [lesson.id, lesson] as const))('%s README', (_id, lesson) => {
  test('has the required sections in order, the title line, at least 3 hints and a hint for every step', () => {
    const file = path.join(lesson.lessonDir, 'README.md');
    expect(fs.existsSync(file), `${displayPath(file)} is missing`).toBe(true);
    const readme = parseLessonReadme(fs.readFileSync(file, 'utf8'));
    expect(readmeProblems(readme, lesson.number), displayPath(file)).toEqual([]);
    expect(readme.heading, `${displayPath(file)}'s title and lessons/manifest.json's`).toBe(
      `Lesson ${String(lesson.number).padStart(2, '0')}: ${lesson.title}`,
    );
  });

  test('ends with its Sources: files of the project that exist (kafkajs under node_modules included) and primary web sources', () => {
    const file = path.join(lesson.lessonDir, 'README.md');
    const source = fs.readFileSync(file, 'utf8');
    const readme = parseLessonReadme(source);
    expect(readme.sections.at(-1)?.heading, `${displayPath(file)}'s last section`).toBe('Sources');
    const sources = readme.sections.find((section) => section.heading === 'Sources');
    const exists = (projectPath: string) => fs.existsSync(path.join(PROJECT_ROOT, projectPath));
    expect(sourcesProblems(sources, source, exists), displayPath(file)).toEqual([]);
  });
});

test("WORKSHOP.md's lesson map and lessons/manifest.json agree both ways", () => {
  const rows = lessonMapRows(parseMarkdown(fs.readFileSync(path.join(PROJECT_ROOT, 'WORKSHOP.md'), 'utf8')));
  expect(rows, 'WORKSHOP.md needs a "## Lesson map" table').toBeDefined();
  const mapped = rows!.map((row) => `${row.id} → ${row.href?.replace(/\/$/, '')} · ${row.title}`);
  const folders = lessons.map((lesson) => `${lesson.id} → lessons/${lesson.slug} · ${lesson.title}`);
  expect(mapped, 'the lesson map (left) lists exactly the lessons of the manifest, with their titles (right)').toEqual(
    folders,
  );
});

test.each(['README.md', 'WORKSHOP.md'])('%s has one Commands table naming every learner command', (name) => {
  const tokens = parseMarkdown(fs.readFileSync(path.join(PROJECT_ROOT, name), 'utf8'));
  const section = sectionsOf(tokens).find((s) => s.heading === 'Commands');
  expect(section, `${name} needs a "## Commands" section`).toBeDefined();
  const named = new Set(npmRunMentions(section!.body).map((mention) => mention.text));
  const missing = ['check', 'watch', 'progress', 'hint', 'lesson', 'reset', 'doctor'].filter(
    (script) => !named.has(script),
  );
  expect(missing, `commands missing from ${name}'s Commands table`).toEqual([]);
});
