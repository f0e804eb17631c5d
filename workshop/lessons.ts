import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.ts';
import { PROJECT_ROOT } from './paths.ts';

/**
 * What a lesson's checks need besides Node: one broker, the 3-node cluster, a schema registry, a
 * broker whose transaction coordinator answers (made at the first transaction a broker sees).
 */
export type LessonNeed = 'broker' | 'cluster' | 'registry' | 'transactions';

/** One entry of lessons/manifest.json, as written there. */
export interface ManifestEntry {
  /** "lesson-03": what learners type. */
  id: string;
  /** "03-consumer-groups": the folder name under lessons/, solutions/ and checks/. */
  folder: string;
  title: string;
  /** The learner's files, relative to the lesson folder. */
  files: string[];
  needs: LessonNeed[];
  /** The npm script that runs this lesson's code live ("monitor"). */
  live: string;
  /** Where the hints are: "README.md#hints". */
  hints: string;
}

export interface Lesson extends ManifestEntry {
  /** The folder name again, under the name most of the engine room uses. */
  slug: string;
  number: number;
  lessonDir: string;
  solutionDir: string;
  checkFile: string;
}

export const MANIFEST_FILE = path.join('lessons', 'manifest.json');
const ID = /^lesson-(\d{2})$/;
const NEEDS: readonly LessonNeed[] = ['broker', 'cluster', 'registry', 'transactions'];

/** The curriculum, in order, from lessons/manifest.json: the one list every tool reads. */
export function listLessons(root = PROJECT_ROOT): Lesson[] {
  const file = path.join(root, MANIFEST_FILE);
  if (!fs.existsSync(file)) return [];
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { lessons: ManifestEntry[] };
  return manifest.lessons.map((entry) => toLesson(validEntry(entry), root));
}

/** The lesson with this id, for code that knows it by heart (a check file, a live program). */
export function lessonById(id: string, root = PROJECT_ROOT): Lesson {
  const lesson = listLessons(root).find((l) => l.id === id);
  if (!lesson) throw new ConfigError(`${id} is not in ${MANIFEST_FILE}`);
  return lesson;
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

/** The checks files of the lessons that need the 3-node cluster: they run in `npm run test:cluster`. */
export function clusterCheckFiles(root = PROJECT_ROOT): string[] {
  return listLessons(root)
    .filter((lesson) => lesson.needs.includes('cluster'))
    .map((lesson) => `checks/${lesson.folder}.check.ts`);
}

/** The checks files of the lessons that need a schema registry: the test suite starts one only for them. */
export function registryCheckFiles(root = PROJECT_ROOT): string[] {
  return listLessons(root)
    .filter((lesson) => lesson.needs.includes('registry'))
    .map((lesson) => `checks/${lesson.folder}.check.ts`);
}

function toLesson(entry: ManifestEntry, root: string): Lesson {
  return {
    ...entry,
    slug: entry.folder,
    number: Number(ID.exec(entry.id)![1]),
    lessonDir: path.join(root, 'lessons', entry.folder),
    solutionDir: path.join(root, 'solutions', entry.folder),
    checkFile: path.join(root, 'checks', `${entry.folder}.check.ts`),
  };
}

/** A maintainer's typo in the manifest is one clear line, not a crash somewhere downstream. */
function validEntry(entry: ManifestEntry): ManifestEntry {
  const problem = (what: string) => new ConfigError(`${MANIFEST_FILE}: ${entry.id ?? '(an entry)'} ${what}`);
  const number = ID.exec(entry.id ?? '')?.[1];
  if (!number) throw problem('needs an id like "lesson-03"');
  if (!entry.folder?.startsWith(`${number}-`)) throw problem(`needs a folder that starts with "${number}-"`);
  if (!entry.title) throw problem('needs a title');
  if (!Array.isArray(entry.files) || entry.files.length === 0) throw problem('needs its files');
  if (!Array.isArray(entry.needs) || !entry.needs.every((need) => NEEDS.includes(need)))
    throw problem(`needs "needs": a list of ${NEEDS.join(', ')}`);
  return entry;
}
