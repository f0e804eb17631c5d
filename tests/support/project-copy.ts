import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listLessons, MANIFEST_FILE, type ManifestEntry } from '../../workshop/lessons.ts';
import { PROJECT_ROOT } from '../../workshop/paths.ts';

/**
 * A throw-away copy of the project (its files as in git, plus new ones not yet committed),
 * sharing this checkout's node_modules. Tests edit lessons there, never here.
 */
export function copyProject(): { root: string; remove(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-copy-'));
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!fs.existsSync(path.join(PROJECT_ROOT, file))) continue; // deleted but not yet committed
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(root, file));
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'junction');
  return { root, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * Makes sure the copy has a lesson after `slug`, so a test can watch one lesson turn green and
 * the next begin. When the workshop has only one lesson, the next is a renamed twin of it.
 */
export function ensureNextLesson(root: string, slug: string): string {
  const lessons = listLessons(root);
  const index = lessons.findIndex((lesson) => lesson.folder === slug);
  const following = lessons[index + 1];
  if (following) return following.folder;
  const number = String(Number(slug.slice(0, 2)) + 1).padStart(2, '0');
  const twin = `${number}-${slug.slice(3)}-again`;
  const rename = (text: string) =>
    text.replaceAll(slug, twin).replaceAll(`lesson-${slug.slice(0, 2)}`, `lesson-${number}`);
  for (const dir of ['lessons', 'solutions'])
    fs.cpSync(path.join(root, dir, slug), path.join(root, dir, twin), { recursive: true });
  const readme = path.join(root, 'lessons', twin, 'README.md');
  if (fs.existsSync(readme))
    fs.writeFileSync(
      readme,
      rename(fs.readFileSync(readme, 'utf8')).replace(/^# Lesson \d+: (.*)$/m, `# Lesson ${number}: $1, again`),
    );
  const check = fs.readFileSync(path.join(root, 'checks', `${slug}.check.ts`), 'utf8');
  fs.writeFileSync(path.join(root, 'checks', `${twin}.check.ts`), rename(check));
  const manifestFile = path.join(root, MANIFEST_FILE);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { lessons: ManifestEntry[] };
  const original = lessons[index]!;
  manifest.lessons.push({
    id: `lesson-${number}`,
    folder: twin,
    title: `${original.title}, again`,
    files: original.files,
    needs: original.needs,
    live: original.live,
    hints: original.hints,
  });
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return twin;
}

/** A CLI running in the background, with everything it printed so far. */
export function startCli(
  root: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}
