import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { waitFor } from '../../checks/support/wait.ts';
import { readState } from '../../workshop/state.ts';
import { copyProject, ensureNextLesson, startCli } from '../support/project-copy.ts';
import { learnerEnv } from '../support/spawn-cli.ts';

/**
 * The learner's loop, end to end on a throw-away copy of the project: `npm run watch` on an
 * untouched lesson-01, the stub saved as the solution, the lesson green, the next one started.
 */
let project: ReturnType<typeof copyProject>;
let next: string;

beforeAll(() => {
  project = copyProject();
  next = ensureNextLesson(project.root, '01-producer-basics');
});
afterAll(() => project?.remove());

test('watch re-runs on save, turns green and moves on to the next lesson', { timeout: 90_000 }, async () => {
  const { child, output } = startCli(
    project.root,
    ['workshop/cli/launch.mjs', 'workshop/cli/watch.ts', 'lesson-01'],
    learnerEnv({ KAFKA_BROKERS: inject('brokers').join(','), NO_COLOR: '1' }),
  );
  const runsOf = (id: string) =>
    output()
      .split(/\n(?=👀 )/)
      .filter((screen) => screen.startsWith(`👀 ${id} `) && screen.includes(`\n${id}: `));
  const seen = (text: string, timeoutMs = 30_000) =>
    waitFor(() => (output().includes(text) ? true : undefined), {
      timeoutMs,
      expected: `"${text}" in the output of npm run watch`,
      lastSeen: () => output().slice(-1500),
      likelyCause: 'npm run watch did not re-run the checks after the save',
    });
  try {
    await seen('lesson-01: 0 passed');
    // the next step is printed after the count, and may reach the pipe in a later chunk
    await seen('👉 Next step: replace the todo(...) at lessons/01-producer-basics/producer.ts:', 5000);
    expect(output(), 'no keys without a terminal').not.toContain('q quit');

    const stub = path.join(project.root, 'lessons', '01-producer-basics', 'producer.ts');
    fs.copyFileSync(path.join(project.root, 'solutions', '01-producer-basics', 'producer.ts'), stub);

    await seen('🎉 lesson-01 is done');
    await seen(`👀 lesson-${next.slice(0, 2)} `);
    await seen(`lesson-${next.slice(0, 2)}: 0 passed`);
    expect(runsOf('lesson-01'), 'one run at the start and exactly one for the save').toHaveLength(2);
    expect(
      readState(path.join(project.root, '.workshop', 'progress.json')).lessons['lesson-01']?.lastCheck?.green,
    ).toBe(true);
    expect(child.exitCode, 'watch keeps watching the next lesson').toBeNull();
  } finally {
    child.kill();
  }
});
