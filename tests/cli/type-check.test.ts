import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { LessonTypeChecker } from '../../workshop/check/typecheck.ts';
import { lessonById } from '../../workshop/lessons.ts';
import { PROJECT_ROOT } from '../../workshop/paths.ts';
import { copyProject } from '../support/project-copy.ts';
import { learnerEnv, runWorkshopCli, STACK_FRAME } from '../support/spawn-cli.ts';
import { useTempDirs } from '../support/temp-dir.ts';

/** tsc's verdict on the learner's files is part of npm run check, with the file and line to fix. */
let project: ReturnType<typeof copyProject>;
beforeAll(() => {
  project = copyProject();
});
afterAll(() => project?.remove());

test(
  'a type error in a lesson file is a ❌ with tsc’s message and file:line, even when every check passes',
  { timeout: 120_000 },
  async () => {
    const file = path.join(project.root, 'lessons', '01-producer-basics', 'producer.ts');
    const solution = fs.readFileSync(path.join(project.root, 'solutions', '01-producer-basics', 'producer.ts'), 'utf8');
    // runs fine (tsx strips types), but tsc refuses it
    fs.writeFileSync(
      file,
      solution.replace(
        'return JSON.stringify(tx);',
        'const amount: string = tx.amount;\n    return JSON.stringify({ ...tx, amount });',
      ),
    );
    const run = await runWorkshopCli(
      'workshop/cli/check.ts',
      ['lesson-01'],
      learnerEnv({ KAFKA_BROKERS: inject('brokers').join(',') }),
      110_000,
      project.root,
    );
    expect(run.stdout).toContain('lesson-01: 5 passed, 0 failed, 1 type error');
    expect(run.stdout).toContain('❌ TypeScript finds an error in your code (tsc)');
    expect(run.stdout).toMatch(
      /lessons\/01-producer-basics\/producer\.ts:\d+:\d+ TS2322: Type 'number' is not assignable to type 'string'\./,
    );
    expect(run.stdout).not.toContain('🎉');
    expect(run.code).toBe(1);
    expect(run.output).not.toMatch(STACK_FRAME);
  },
);

const tempDir = useTempDirs();

test('an answer is remembered while the files stay the same', { timeout: 120_000 }, async () => {
  const lesson = lessonById('lesson-02');
  const cacheFile = path.join(tempDir(), 'typecheck-cache.json');
  const checker = new LessonTypeChecker(cacheFile);
  try {
    expect(await checker.check(lesson, lesson.solutionDir)).toEqual({ errors: [] });
    const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as Record<string, { files: string[] }>;
    expect(cache['solutions/02-keys-and-partitions']?.files).toEqual(
      expect.arrayContaining(['solutions/02-keys-and-partitions/keys.ts', 'bank/transaction.ts']),
    );
    // a remembered answer needs no worker: a checker that cannot start one still answers
    const offline = new LessonTypeChecker(cacheFile);
    (offline as unknown as { ensureWorker(): never }).ensureWorker = () => {
      throw new Error('asked the compiler');
    };
    expect(await offline.check(lesson, lesson.solutionDir)).toEqual({ errors: [] });
  } finally {
    checker.close();
  }
});

test(
  'the compiler is loaded with V8’s code cache, and a damaged cache is ignored and made again',
  { timeout: 120_000 },
  async () => {
    const { version } = JSON.parse(
      fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules/typescript/package.json'), 'utf8'),
    ) as { version: string };
    const codeCache = path.join(
      PROJECT_ROOT,
      '.workshop/code-cache',
      `typescript-${version}-node-${process.version}-${process.arch}.bin`,
    );
    const lesson = lessonById('lesson-01');
    const typeCheck = async () => {
      // a cache of its own for the answers: each check here asks the compiler
      const checker = new LessonTypeChecker(path.join(tempDir(), 'typecheck-cache.json'));
      try {
        return await checker.check(lesson, lesson.solutionDir);
      } finally {
        checker.close();
      }
    };

    expect(await typeCheck()).toEqual({ errors: [] });
    expect(fs.statSync(codeCache).size, 'the code cache is written').toBeGreaterThan(100_000);

    const damaged = Buffer.from('not a code cache');
    const temporary = `${codeCache}.test.tmp`;
    fs.writeFileSync(temporary, damaged);
    fs.renameSync(temporary, codeCache);
    expect(await typeCheck(), 'the same answer without a usable cache').toEqual({ errors: [] });
    expect(fs.readFileSync(codeCache).equals(damaged), 'a new cache replaces the damaged one').toBe(false);
  },
);
