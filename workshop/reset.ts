import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.ts';
import { listLessons, type Lesson } from './lessons.ts';
import { PROJECT_ROOT } from './paths.ts';

/**
 * How `reset` finds the pristine stubs: this lock file names each stub's git blob, the exact
 * content the workshop ships. Git keeps every blob of every commit it has, so the stub can be
 * read back however much the learner edited and committed since. Only the ids live here, not
 * a second copy; `npm run stubs:lock` rewrites them and a test fails when they are stale.
 */
export const STUB_LOCK = 'workshop/pristine-stubs.json';

export interface StubLock {
  about: string;
  /** Project-relative, forward-slashed path → git blob id. */
  stubs: Record<string, string>;
}

const ABOUT =
  'The git blob id of each lesson stub as shipped. npm run reset restores from these. Maintainers: after changing a stub, run npm run stubs:lock.';

/** The learner's files, as lessons/manifest.json lists them, project-relative and forward-slashed. */
export function stubFiles(root: string): string[] {
  return listLessons(root)
    .flatMap((lesson) => lesson.files.map((file) => `lessons/${lesson.folder}/${file}`))
    .sort();
}

export function git(root: string, args: string[], input?: string): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8', input, windowsHide: true });
  return {
    ok: !result.error && result.status === 0,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? String(result.error ?? ''),
  };
}

/** The blob id each stub has right now: what `stubs:lock` records and the stub-lock test compares. */
export function currentStubIds(root: string): Record<string, string> {
  const files = stubFiles(root);
  if (files.length === 0) return {};
  const hashed = git(root, ['hash-object', '--', ...files]);
  if (!hashed.ok) throw new ConfigError(`git hash-object failed: ${hashed.stderr.trim()}`);
  const ids = hashed.stdout.trim().split('\n');
  return Object.fromEntries(files.map((file, i) => [file, ids[i]!]));
}

export function readStubLock(root = PROJECT_ROOT): StubLock {
  const file = path.join(root, STUB_LOCK);
  if (!fs.existsSync(file)) return { about: ABOUT, stubs: {} };
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StubLock;
}

export function writeStubLock(root = PROJECT_ROOT): StubLock {
  const lock: StubLock = { about: ABOUT, stubs: currentStubIds(root) };
  fs.writeFileSync(path.join(root, STUB_LOCK), `${JSON.stringify(lock, null, 2)}\n`);
  return lock;
}

export interface ResetPlan {
  /** Stub files (project-relative) whose content differs from the pristine one. */
  changed: string[];
  /** Files the learner added to the folder: backed up and left in place. */
  extra: string[];
  /** Every file in the folder, for the backup. */
  current: string[];
  pristine: Map<string, string>;
}

/** Reads every pristine stub of the lesson first, so nothing is touched when one is missing. */
export function planReset(lesson: Lesson, root = PROJECT_ROOT): ResetPlan {
  const folder = `${path.relative(root, lesson.lessonDir).split(path.sep).join('/')}/`;
  const lock = readStubLock(root);
  const shipped = Object.entries(lock.stubs).filter(([file]) => file.startsWith(folder));
  if (shipped.length === 0)
    throw new ConfigError(`${STUB_LOCK} lists no stubs for ${lesson.id}: nothing to restore from`);

  const pristine = new Map<string, string>();
  for (const [file, blob] of shipped) {
    const read = git(root, ['cat-file', '--filters', `--path=${file}`, blob]);
    if (!read.ok) {
      throw new ConfigError(
        `the pristine ${file} (git object ${blob.slice(0, 10)}) is not in this repository's history, so it cannot be restored. Is this a git clone of the workshop? Nothing was changed.`,
      );
    }
    pristine.set(file, read.stdout);
  }
  const current = fs.existsSync(lesson.lessonDir)
    ? fs
        .readdirSync(lesson.lessonDir, { recursive: true, encoding: 'utf8' })
        .map((file) => `${folder}${file.split(path.sep).join('/')}`)
        .filter((file) => fs.statSync(path.join(root, file)).isFile())
        .sort()
    : [];
  const read = (file: string) =>
    fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : undefined;
  return {
    changed: [...pristine].filter(([file, content]) => read(file) !== content).map(([file]) => file),
    extra: current.filter((file) => !pristine.has(file) && !file.endsWith('/README.md')),
    current,
    pristine,
  };
}

/**
 * Copies the lesson folder as it is now into .workshop/backups/<lesson>-<time>/, then writes
 * the pristine stubs back. The backup comes first and is complete, so nothing is ever lost.
 */
export function applyReset(
  lesson: Lesson,
  plan: ResetPlan,
  backupsDir: string,
  root = PROJECT_ROOT,
  now = new Date(),
): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  let backupDir = path.join(backupsDir, `${lesson.id}_${stamp}`);
  for (let n = 2; fs.existsSync(backupDir); n++) backupDir = path.join(backupsDir, `${lesson.id}_${stamp}_${n}`);
  for (const file of plan.current) {
    const target = path.join(backupDir, path.relative(path.relative(root, lesson.lessonDir), file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, file), target);
  }
  for (const file of plan.changed) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), plan.pristine.get(file)!);
  }
  return backupDir;
}
