import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { PROJECT_ROOT } from '../workshop/paths.ts';
import { copyProject } from './support/project-copy.ts';
import { learnerEnv, STACK_FRAME } from './support/spawn-cli.ts';

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
const tsx = (script: string, args?: string[]) => run([path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), `workshop/cli/${script}.ts`], args);

test('lesson renders the README, with the next commands', () => {
  const shown = tsx('lesson', ['01']);
  expect(shown.status).toBe(0);
  expect(shown.stdout).toMatch(/^Lesson 01: .+\n═+\n/);
  expect(shown.stdout).toContain('Hints\n─────');
  expect(shown.stdout).toContain('👉 When you are ready: npm run watch lesson-01');
});

test('hint gives one more hint each time', () => {
  expect(tsx('hint', ['lesson-01']).stdout).toContain('hint 1 of');
  expect(tsx('hint', ['lesson-01']).stdout).toContain('hint 2 of');
  expect(tsx('hint', ['lesson-01', '--bogus']).stderr).toBe('❌ unknown option "--bogus": use npm run hint lesson-NN [-- --all]\n');
});

test('check records its result, and progress shows it', { timeout: 60_000 }, () => {
  expect(tsx('progress').stdout).toMatch(/lesson-01 .+⬜ not started/);
  const checked = run(['workshop/cli/launch.mjs', 'workshop/cli/check.ts', 'lesson-01']);
  expect(checked.status).toBe(1);
  const progress = tsx('progress');
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
