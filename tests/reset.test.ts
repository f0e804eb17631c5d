import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listLessons } from '../workshop/lessons.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';
import {
  applyReset,
  currentStubIds,
  git,
  STUB_LOCK,
  planReset,
  readStubLock,
  writeStubLock,
} from '../workshop/reset.ts';
import { copyProject } from './support/project-copy.ts';
import { learnerEnv } from './support/spawn-cli.ts';
import { useTempDirs } from './support/temp-dir.ts';

const tempDir = useTempDirs();
const STUB = "export function hello(): string {\n  return todo('lesson-01 step 1: say hello');\n}\n";

/** A tiny workshop in git: one lesson with one stub, shipped with its lesson manifest and stub lock. */
function shippedWorkshop(): string {
  const root = tempDir();
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('lessons/01-hello/hello.ts', STUB);
  write('lessons/01-hello/README.md', '# Lesson 01: Hello\n');
  const entry = { id: 'lesson-01', folder: '01-hello', title: 'Hello', files: ['hello.ts'], needs: ['broker'] };
  write(
    'lessons/manifest.json',
    JSON.stringify({ lessons: [{ ...entry, live: 'monitor', hints: 'README.md#hints' }] }),
  );
  write('workshop/.keep', '');
  for (const args of [
    ['init', '-q'],
    ['config', 'user.email', 'ws@example.org'],
    ['config', 'user.name', 'Workshop'],
    ['config', 'commit.gpgsign', 'false'],
  ])
    git(root, args);
  writeStubLock(root);
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'ship the workshop']);
  return root;
}

function learnerCommits(root: string, text: string): void {
  fs.writeFileSync(path.join(root, 'lessons/01-hello/hello.ts'), text);
  git(root, ['commit', '-qam', 'my work']);
}

const lessonIn = (root: string) => listLessons(root)[0]!;

test('the stub lock names each stub but not the README', () => {
  const root = shippedWorkshop();
  expect(Object.keys(readStubLock(root).stubs)).toEqual(['lessons/01-hello/hello.ts']);
});

test('restores the stub after the learner committed their own work, backing that work up first', () => {
  const root = shippedWorkshop();
  learnerCommits(root, 'export function hello() { return "hi"; }\n');
  fs.writeFileSync(path.join(root, 'lessons/01-hello/notes.ts'), '// my notes\n');

  const plan = planReset(lessonIn(root), root);
  expect(plan.changed).toEqual(['lessons/01-hello/hello.ts']);
  expect(plan.extra).toEqual(['lessons/01-hello/notes.ts']);

  const backups = path.join(root, '.workshop', 'backups');
  const backupDir = applyReset(lessonIn(root), plan, backups, root, new Date('2025-03-04T05:06:07Z'));
  expect(path.basename(backupDir)).toBe('lesson-01_2025-03-04_05-06-07');
  expect(fs.readFileSync(path.join(root, 'lessons/01-hello/hello.ts'), 'utf8')).toBe(STUB);
  expect(fs.readFileSync(path.join(backupDir, 'hello.ts'), 'utf8')).toBe('export function hello() { return "hi"; }\n');
  expect(fs.readFileSync(path.join(backupDir, 'notes.ts'), 'utf8'), 'extra files are backed up').toBe('// my notes\n');
  expect(fs.existsSync(path.join(root, 'lessons/01-hello/notes.ts')), 'and left in place').toBe(true);

  // a second reset in the same second never overwrites the first backup
  learnerCommits(root, 'export const second = true;\n');
  const again = applyReset(
    lessonIn(root),
    planReset(lessonIn(root), root),
    backups,
    root,
    new Date('2025-03-04T05:06:07Z'),
  );
  expect(again).not.toBe(backupDir);
  expect(fs.readFileSync(path.join(backupDir, 'hello.ts'), 'utf8')).toContain('"hi"');
});

test('a deleted stub comes back; an untouched lesson has nothing to reset', () => {
  const root = shippedWorkshop();
  expect(planReset(lessonIn(root), root).changed).toEqual([]);
  fs.rmSync(path.join(root, 'lessons/01-hello/hello.ts'));
  const plan = planReset(lessonIn(root), root);
  expect(plan.changed).toEqual(['lessons/01-hello/hello.ts']);
  applyReset(lessonIn(root), plan, path.join(root, '.workshop', 'backups'), root);
  expect(fs.readFileSync(path.join(root, 'lessons/01-hello/hello.ts'), 'utf8')).toBe(STUB);
});

test('without the pristine blob in git it refuses before touching anything', () => {
  const root = shippedWorkshop();
  fs.writeFileSync(
    path.join(root, STUB_LOCK),
    JSON.stringify({ about: '', stubs: { 'lessons/01-hello/hello.ts': '0123456789abcdef0123456789abcdef01234567' } }),
  );
  expect(() => planReset(lessonIn(root), root)).toThrow(/not in this repository's history.*Nothing was changed/);
});

test(`${STUB_LOCK} matches the stubs in lessons/ (after changing a stub, run npm run stubs:lock)`, () => {
  expect(readStubLock(PROJECT_ROOT).stubs).toEqual(currentStubIds(PROJECT_ROOT));
});

// each test starts the reset program, which on a loaded machine (test files run side by side) takes most of the default bound
describe("npm run reset on a clone with the learner's commits", { timeout: 90_000 }, () => {
  let project: ReturnType<typeof copyProject>;
  const stub = () => path.join(project.root, 'lessons', '01-producer-basics', 'producer.ts');
  const reset = (args: string[], input?: string) =>
    spawnSync(
      process.execPath,
      // as package.json starts it: compiled once in the copy, then run as plain JavaScript
      ['workshop/cli/launch.mjs', 'workshop/cli/reset.ts', ...args],
      {
        cwd: project.root,
        encoding: 'utf8',
        input,
        env: learnerEnv({ NO_COLOR: '1' }),
      },
    );

  beforeAll(() => {
    project = copyProject();
    for (const args of [
      ['init', '-q'],
      ['config', 'user.email', 'ws@example.org'],
      ['config', 'user.name', 'Workshop'],
      ['config', 'commit.gpgsign', 'false'],
    ])
      git(project.root, args);
    git(project.root, ['add', '-A']);
    git(project.root, ['commit', '-qm', 'the workshop as shipped']);
    fs.writeFileSync(
      stub(),
      fs.readFileSync(path.join(project.root, 'solutions', '01-producer-basics', 'producer.ts')),
    );
    git(project.root, ['commit', '-qam', 'my lesson 01']);
  });
  afterAll(() => project?.remove());

  test('a "no" changes nothing', () => {
    const run = reset(['lesson-01'], 'n\n');
    expect(run.stdout).toContain('Reset? [y/N]');
    expect(run.stdout).toContain('Nothing was changed.');
    expect(run.status).toBe(1);
    expect(fs.readFileSync(stub(), 'utf8')).not.toContain('todo(');
  });

  test('--yes backs up, says where, and restores the stub', () => {
    const mine = fs.readFileSync(stub(), 'utf8');
    const run = reset(['lesson-01', '--yes']);
    expect(run.status, run.stderr).toBe(0);
    const saved = /Your files are saved in (\S+)\//.exec(run.stdout)?.[1];
    expect(saved, run.stdout).toMatch(/^\.workshop\/backups\/lesson-01_/);
    expect(fs.readFileSync(path.join(project.root, saved!, 'producer.ts'), 'utf8')).toBe(mine);
    expect(fs.readFileSync(stub(), 'utf8')).toBe(
      fs.readFileSync(path.join(PROJECT_ROOT, 'lessons', '01-producer-basics', 'producer.ts'), 'utf8'),
    );
    expect(
      git(project.root, ['status', '--porcelain', '--', 'lessons']).stdout.trim(),
      'the stub is the shipped one again',
    ).toBe('M lessons/01-producer-basics/producer.ts');
    expect(reset(['lesson-01', '--yes']).stdout).toContain('already has its pristine stubs');
  });

  test('a lesson is required, and a wrong one is one clear line', () => {
    expect(reset([]).stderr).toBe('❌ which lesson? Use: npm run reset lesson-NN\n');
    expect(reset(['lesson-99', '--yes']).stderr).toMatch(/^❌ unknown lesson "lesson-99": the lessons are lesson-01/);
  });
});
