import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../workshop/paths.ts';

/**
 * workshop/cli/compiled.mjs, in a small project of its own: its compiler, and .ts programs that
 * import each other. What it compiled must be what the sources say now, never an older build.
 */
interface Project {
  root: string;
  write(file: string, text: string): void;
  /** The compiled entry's URL, or undefined when the program must run through tsx. */
  compiled(script: string): Promise<string | undefined>;
  /** Several modules compiled in one build: each one's URL, or undefined. */
  compiledTogether(name: string, scripts: string[]): Promise<Record<string, string> | undefined>;
}

let project: Project;

beforeEach(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'compiled-cli-'));
  fs.mkdirSync(path.join(root, 'workshop/cli'), { recursive: true });
  fs.copyFileSync(path.join(PROJECT_ROOT, 'workshop/cli/compiled.mjs'), path.join(root, 'workshop/cli/compiled.mjs'));
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'junction');
  const { compiledScript, compiledModules } = (await import(
    pathToFileURL(path.join(root, 'workshop/cli/compiled.mjs')).href
  )) as {
    compiledScript: Project['compiled'];
    compiledModules: Project['compiledTogether'];
  };
  project = {
    root,
    write(file, text) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    },
    compiled: compiledScript,
    compiledTogether: compiledModules,
  };
  return () => fs.rmSync(root, { recursive: true, force: true });
});

async function run(entry: string | undefined): Promise<Record<string, unknown>> {
  expect(entry, 'the program should run compiled').toBeDefined();
  return (await import(entry!)) as Record<string, unknown>;
}

describe('a CLI compiled to plain JavaScript', () => {
  test('runs its TypeScript, with each file knowing where its source is', async () => {
    project.write(
      'src/greeting.ts',
      `export const greeting: string = 'hello';\nexport const here = import.meta.url;\n`,
    );
    project.write(
      'src/main.ts',
      `import { greeting, here } from './greeting.ts';\nexport const said = greeting;\nexport const from = here;\n`,
    );

    const program = await run(await project.compiled('src/main.ts'));

    expect(program.said).toBe('hello');
    expect(program.from).toBe(pathToFileURL(path.join(project.root, 'src/greeting.ts')).href);
    expect(fs.existsSync(path.join(project.root, '.workshop/compiled/src-main.json'))).toBe(true);
  });

  test('is compiled again when a file it imports changes, and runs the new code', async () => {
    project.write('src/value.ts', `export const value = 1;\n`);
    project.write('src/main.ts', `export { value } from './value.ts';\n`);
    const first = await project.compiled('src/main.ts');
    expect(await project.compiled('src/main.ts'), 'nothing changed: the same build').toBe(first);

    project.write('src/value.ts', `export const value = 2;\n`);
    const second = await project.compiled('src/main.ts');

    expect(second).not.toBe(first);
    expect((await run(second)).value).toBe(2);
  });

  test('keeps apart two programs of the same file name', async () => {
    project.write('one/main.ts', `export const which = 'one';\n`);
    project.write('two/main.ts', `export const which = 'two';\n`);

    expect((await run(await project.compiled('one/main.ts'))).which).toBe('one');
    expect((await run(await project.compiled('two/main.ts'))).which).toBe('two');
    expect((await run(await project.compiled('one/main.ts'))).which).toBe('one');
  });

  test('is compiled again when a file of its build has gone', async () => {
    project.write('src/main.ts', `export const ready = true;\n`);
    const entry = await project.compiled('src/main.ts');
    fs.rmSync(new URL(entry!));

    expect((await run(await project.compiled('src/main.ts'))).ready).toBe(true);
  });

  test('removes files no build names a day after they were written, and never a build in use', async () => {
    const compiledDir = path.join(project.root, '.workshop/compiled');
    const dayAndAHourAgo = new Date(Date.now() - 25 * 60 * 60_000);
    const age = (file: string) => fs.utimesSync(file, dayAndAHourAgo, dayAndAHourAgo);
    project.write('src/other.ts', `export const other = true;\n`);
    const other = await project.compiled('src/other.ts');
    age(fileURLToPath(other!));
    const old = path.join(compiledDir, 'old-build.mjs');
    fs.writeFileSync(old, '');
    age(old);
    const recent = path.join(compiledDir, 'recent-build.mjs');
    fs.writeFileSync(recent, '');

    // a new build is when old files are looked for
    project.write('src/main.ts', `export const main = true;\n`);
    await project.compiled('src/main.ts');

    expect(fs.existsSync(old), 'a day-old file that no build names').toBe(false);
    expect(fs.existsSync(recent), 'a file written within the day: a running program may still need it').toBe(true);
    expect((await run(other)).other, 'a day-old build its manifest still names').toBe(true);
  });

  test('imports a plain .mjs file of its own from where it is, so the program and its caller share it', async () => {
    project.write('src/shared.mjs', `export const instance = {};\n`);
    project.write('src/main.ts', `export { instance } from './shared.mjs';\n`);

    const program = await run(await project.compiled('src/main.ts'));
    const shared = (await import(pathToFileURL(path.join(project.root, 'src/shared.mjs')).href)) as {
      instance: object;
    };

    expect(program.instance).toBe(shared.instance);
  });

  test('is built once when it imports a module later with import(): the next start uses that build', async () => {
    project.write('src/later.ts', `export const later = true;\n`);
    project.write('src/main.ts', `export const load = () => import('./later.ts');\n`);
    // written a moment ago, a source counts as changed while being compiled, and would be compiled again
    const aMinuteAgo = new Date(Date.now() - 60_000);
    for (const file of ['src/later.ts', 'src/main.ts'])
      fs.utimesSync(path.join(project.root, file), aMinuteAgo, aMinuteAgo);
    const manifest = path.join(project.root, '.workshop/compiled/src-main.json');
    const entry = await project.compiled('src/main.ts');
    const written = fs.statSync(manifest).mtimeMs;

    expect(await project.compiled('src/main.ts')).toBe(entry);
    expect(fs.statSync(manifest).mtimeMs, 'not compiled again').toBe(written);
    const { load } = (await run(entry)) as { load: () => Promise<{ later: boolean }> };
    expect((await load()).later).toBe(true);
  });

  test('is left to tsx when it imports a module whose name is made at run time', async () => {
    project.write('src/main.ts', `export const load = (file: string) => import(file);\n`);

    expect(await project.compiled('src/main.ts')).toBeUndefined();
    expect(await project.compiled('src/main.ts'), 'and says so at once the next time').toBeUndefined();
    expect(fs.readdirSync(path.join(project.root, '.workshop/compiled')), 'nothing but its manifest').toEqual([
      'src-main.json',
    ]);
  });

  test('is left to tsx when it does not compile, so tsx reports the mistake', async () => {
    project.write('src/main.ts', `export const broken = ;\n`);

    expect(await project.compiled('src/main.ts')).toBeUndefined();
  });
});

describe('modules compiled together (the lesson files of a live program)', () => {
  test('share one instance of what they both import, as they would through tsx', async () => {
    project.write('lessons/shared.ts', `export const seen: string[] = [];\n`);
    project.write(
      'lessons/one.ts',
      `import { seen } from './shared.ts';\nexport const add = (x: string) => seen.push(x);\n`,
    );
    project.write('lessons/two.ts', `import { seen } from './shared.ts';\nexport const read = () => [...seen];\n`);

    const built = await project.compiledTogether('lesson-code-test', ['lessons/one.ts', 'lessons/two.ts']);
    expect(Object.keys(built ?? {}).sort()).toEqual(['lessons/one.ts', 'lessons/two.ts']);
    const one = (await import(built!['lessons/one.ts']!)) as { add(x: string): void };
    const two = (await import(built!['lessons/two.ts']!)) as { read(): string[] };
    one.add('from one');

    expect(two.read()).toEqual(['from one']);
  });

  test('are built again when the set of modules changes', async () => {
    project.write('lessons/one.ts', `export const one = 1;\n`);
    project.write('lessons/two.ts', `export const two = 2;\n`);
    expect(Object.keys((await project.compiledTogether('lesson-code-test', ['lessons/one.ts'])) ?? {})).toEqual([
      'lessons/one.ts',
    ]);

    const both = await project.compiledTogether('lesson-code-test', ['lessons/one.ts', 'lessons/two.ts']);

    expect(((await import(both!['lessons/two.ts']!)) as { two: number }).two).toBe(2);
  });

  test('are left to tsx, all of them, when one does not compile', async () => {
    project.write('lessons/one.ts', `export const one = 1;\n`);
    project.write('lessons/two.ts', `export const two = ;\n`);

    expect(await project.compiledTogether('lesson-code-test', ['lessons/one.ts', 'lessons/two.ts'])).toBeUndefined();
  });
});
