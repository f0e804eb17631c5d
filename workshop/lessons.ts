import fs from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { ConfigError } from './config.ts';
import { PROJECT_ROOT } from './paths.ts';

export interface Lesson {
  /** "lesson-03": what learners type. */
  id: string;
  /** "03-consumer-groups": the folder name under lessons/, solutions/ and checks/. */
  slug: string;
  number: number;
  /** The README's first heading. */
  title: string;
  lessonDir: string;
  solutionDir: string;
  checkFile: string;
}

const FOLDER = /^(\d{2})-[a-z0-9-]+$/;

/** Every lesson folder, in order. The folders are the catalogue: adding one adds a lesson. */
export function listLessons(root = PROJECT_ROOT): Lesson[] {
  const lessonsDir = path.join(root, 'lessons');
  if (!fs.existsSync(lessonsDir)) return [];
  return fs
    .readdirSync(lessonsDir)
    .filter((name) => FOLDER.test(name) && fs.statSync(path.join(lessonsDir, name)).isDirectory())
    .sort()
    .map((slug) => {
      const number = Number(FOLDER.exec(slug)![1]);
      return {
        id: `lesson-${String(number).padStart(2, '0')}`,
        slug,
        number,
        title: readTitle(path.join(lessonsDir, slug, 'README.md')) ?? slug,
        lessonDir: path.join(lessonsDir, slug),
        solutionDir: path.join(root, 'solutions', slug),
        checkFile: path.join(root, 'checks', `${slug}.check.ts`),
      };
    });
}

/** Accepts "lesson-03", "03", "3" or "03-consumer-groups". */
export function findLesson(name: string, lessons = listLessons()): Lesson {
  const wanted = name.trim().toLowerCase();
  const number = /^(?:lesson-?)?(\d{1,2})$/.exec(wanted)?.[1];
  const lesson = lessons.find((l) => l.slug === wanted || (number !== undefined && l.number === Number(number)));
  if (!lesson) {
    const known = lessons.map((l) => l.id).join(', ');
    throw new ConfigError(`unknown lesson "${name}": the lessons are ${known}`);
  }
  return lesson;
}

function readTitle(readme: string): string | undefined {
  if (!fs.existsSync(readme)) return undefined;
  const tokens = new MarkdownIt().parse(fs.readFileSync(readme, 'utf8'), {});
  const open = tokens.findIndex((token) => token.type === 'heading_open');
  return open === -1 ? undefined : tokens[open + 1]?.content.replace(/^Lesson\s+\d+\s*[:·—-]\s*/i, '').trim();
}
