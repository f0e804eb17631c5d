import { describe, expect, inject, test } from 'vitest';
import { freePort } from '../../workshop/broker/ports.ts';
import { learnerEnv, runWorkshopCli, STACK_FRAME } from '../support/spawn-cli.ts';

const CHECK = 'workshop/cli/check.ts';
const withBroker = () => learnerEnv({ KAFKA_BROKERS: inject('brokers').join(',') });

describe('npm run check, as a learner runs it', () => {
  test.concurrent(
    'an untouched stub reports "not done yet" for every check, with the TODO and its location',
    async () => {
      const run = await runWorkshopCli(CHECK, ['lesson-01'], withBroker());
      expect(run.code).toBe(1);
      const notDone = run.stdout.split('\n').filter((line) => line.includes('⏳') && line.endsWith('— not done yet'));
      expect(notDone.length).toBe(5);
      expect(run.stdout).toMatch(/next TODO: lesson-01 step 1: .+ \(lessons\/01-producer-basics\/producer\.ts:\d+\)/);
      expect(run.stdout).toContain('lesson-01: 0 passed, 0 failed, 5 not done yet');
      expect(run.stdout).toContain('npm run hint lesson-01');
      expect(run.output).not.toMatch(STACK_FRAME);
    },
  );

  test.concurrent('--solution is green and points to the next step', async () => {
    const run = await runWorkshopCli(CHECK, ['lesson-01', '--solution'], withBroker());
    expect(run.stdout).toContain('lesson-01: 5 passed, 0 failed');
    expect(run.stdout).toContain('🎉 lesson-01 is done');
    expect(run.code).toBe(0);
  });

  test.concurrent('an unknown lesson is one line and a non-zero exit', async () => {
    const run = await runWorkshopCli(CHECK, ['lesson-99'], withBroker());
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^❌ unknown lesson "lesson-99": the lessons are lesson-01/),
    ]);
  });

  test.concurrent('a KAFKA_BROKERS with nothing behind it is named as the problem', async () => {
    const port = await freePort();
    const run = await runWorkshopCli(CHECK, ['lesson-01'], learnerEnv({ KAFKA_BROKERS: `127.0.0.1:${port}` }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`KAFKA_BROKERS is set to 127.0.0.1:${port}, but nothing is listening`);
    expect(run.output).not.toMatch(STACK_FRAME);
  });
});
