import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { copyProject } from '../support/project-copy.ts';
import { learnerEnv, STACK_FRAME } from '../support/spawn-cli.ts';

/** The learner commands as `npm run` starts them, on a throw-away copy so their state file is theirs. */
let project: ReturnType<typeof copyProject>;
beforeAll(() => {
  project = copyProject();
});
afterAll(() => project?.remove());

function run(entry: string[], args: string[] = []) {
  const result = spawnSync(process.execPath, [...entry, ...args], {
    cwd: project.root,
    encoding: 'utf8',
    env: learnerEnv({ KAFKA_BROKERS: inject('brokers').join(','), NO_COLOR: '1' }),
    timeout: 60_000,
  });
  expect(result.stdout + result.stderr).not.toMatch(STACK_FRAME);
  return result;
}
/** As package.json runs them: node workshop/cli/launch.mjs workshop/cli/<script>.ts */
const cli = (script: string, args?: string[]) => run(['workshop/cli/launch.mjs', `workshop/cli/${script}.ts`], args);

test('lesson renders the README, with the next commands', () => {
  const shown = cli('lesson', ['01']);
  expect(shown.status).toBe(0);
  expect(shown.stdout).toMatch(/^Lesson 01: .+\n═+\n/);
  expect(shown.stdout).toContain('Hints\n─────');
  expect(shown.stdout).toContain('👉 When you are ready: npm run watch lesson-01');
});

test('hint helps with the first unfinished step, and asking again gives that step’s next hint', () => {
  expect(cli('hint', ['lesson-01']).stdout).toContain('step 1, hint 1 of 1');
  expect(cli('hint', ['lesson-01']).stdout).toContain('That was the last hint for step 1.');
  expect(cli('hint', ['lesson-01', '--all']).stdout).toContain('hint 6 of 6');
  expect(cli('hint', ['lesson-01', '--bogus']).stderr).toBe(
    '❌ unknown option --bogus: the options are --all, --help (npm run hint -- --help explains them)\n',
  );
});

test('check records its result, and progress shows it', { timeout: 60_000 }, () => {
  expect(cli('progress').stdout).toMatch(/lesson-01 .+⬜ not started/);
  const checked = cli('check', ['lesson-01']);
  expect(checked.status).toBe(1);
  const progress = cli('progress');
  expect(progress.stdout).toMatch(/lesson-01 .+❌ failing +just now/);
  expect(progress.stdout).toMatch(/\] 0\/\d+ lessons done \(0%\)/);
  expect(progress.stdout).toContain('👉 Next: npm run watch lesson-01');
});

test('doctor finds this machine ready, ending with a real round trip', { timeout: 60_000 }, () => {
  const doctor = run(['workshop/cli/doctor.mjs']);
  expect(doctor.stdout).toContain('✅ Node.js');
  expect(doctor.stdout).toContain('✅ npm install is done');
  expect(doctor.stdout).toMatch(/✅ Round trip on .+: one message produced and consumed back in \d+ ms/);
  expect(doctor.stdout).toContain('✅ This laptop is ready for the workshop.');
  expect(doctor.status).toBe(0);
});

test('after a failing step-3 check, hint shows step 3’s hint', { timeout: 60_000 }, () => {
  const file = path.join(project.root, 'lessons', '01-producer-basics', 'producer.ts');
  const stub = fs.readFileSync(file, 'utf8');
  const solution = fs.readFileSync(path.join(project.root, 'solutions', '01-producer-basics', 'producer.ts'), 'utf8');
  try {
    // every step written, but step 3's serialize() loses a field
    fs.writeFileSync(
      file,
      solution.replace('return JSON.stringify(tx);', 'return JSON.stringify({ ...tx, type: undefined });'),
    );
    const checked = cli('check', ['lesson-01']);
    expect(checked.stdout).toContain('❌ serialize() turns a transaction into JSON with every field');
    const shown = cli('hint', ['lesson-01']);
    expect(shown.stdout).toContain('step 3, hint 1 of 1');
    expect(shown.stdout).toContain('your last npm run check lesson-01 points at step 3');
  } finally {
    fs.writeFileSync(file, stub);
  }
});
