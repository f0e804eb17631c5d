import { describe, expect, test } from 'vitest';
import { generateTransactions } from '../../bank/generator.ts';
import { sendTransactions } from '../../checks/support/produce.ts';
import { waitForOutput } from '../../workshop/demo-process.ts';
import { demoRun } from './support/demo-run.ts';

/** Lessons 05 and 06 live: npm run offsets and npm run processor, on the reference code. */
describe.concurrent('the lesson programs', () => {
  test('processor: one line per failed attempt, "retried" only when it will be, one line per dead letter', async ({
    onTestFinished,
  }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const topic = await ctx.createTopic('processor', 3);
    const deadLetters = await ctx.createTopic('processor-dlt', 1);
    const [count, poison] = [20, 2];
    await sendTransactions(ctx, topic, generateTransactions(count, { seed: 606 }), 3);
    const processor = start('processor', [
      '--topic',
      topic,
      '--group',
      ctx.name('processor'),
      '--dead-letters',
      deadLetters,
      '--fail-rate',
      '0.6',
      '--poison',
      poison,
    ]);
    const deadLetterLines = () => processor.matching(/☠️ {2}partition \d+, offset \d+ → /);
    const processedLines = () => processor.matching(/^\[\s*\d+\] Account/);
    await waitForOutput(
      [processor],
      () => (processedLines().length + deadLetterLines().length >= count + poison ? true : undefined),
      {
        expected: `all ${count + poison} messages processed or dead-lettered`,
        timeoutMs: 30_000,
      },
    );
    expect((await processor.interrupt()).code, processor.describe()).toBe(0);

    const failures = processor.matching(/did not answer \(attempt \d of 3\)/);
    expect(failures.length, 'at a fail rate of 0.6, some attempts fail').toBeGreaterThan(0);
    for (const line of failures) {
      const attempt = Number(/attempt (\d) of 3/.exec(line)![1]);
      expect(line).toMatch(attempt < 3 ? /; it will be retried$/ : /; no attempts left$/);
    }
    const lastAttempts = failures.filter((line) => line.includes('attempt 3 of 3')).length;
    const pills = deadLetterLines().filter((line) => line.includes('after 1 attempt:'));
    expect(pills, 'each poison pill is parked at once').toHaveLength(poison);
    expect(deadLetterLines()).toHaveLength(poison + lastAttempts);
    const final = processor.matching(/^👋 Stopped cleanly: \d+ processed, \d+ sent to /);
    expect(final, processor.describe()).toHaveLength(1);
    expect(final[0]).toContain(
      `${processedLines().length} processed, ${deadLetterLines().length} sent to ${deadLetters}`,
    );
    const parked = [...(await ctx.endOffsets(deadLetters)).values()].reduce((sum, n) => sum + n, 0);
    expect(parked, 'messages on the dead-letter topic').toBe(deadLetterLines().length);
  });

  test('offsets: lag, then a reset of a stopped group, then a replay', async ({ onTestFinished }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const topic = await ctx.createTopic('offsets', 2);
    const group = ctx.name('offsets');
    await sendTransactions(ctx, topic, generateTransactions(6, { seed: 505 }), 2);

    const lag = start('offsets', ['lag', '--topic', topic, '--group', group]);
    expect((await lag.waitForExit(30_000)).code, lag.describe()).toBe(0);
    expect(lag.matching(/total lag: 6 message\(s\)/)).toHaveLength(1);

    const reset = start('offsets', ['reset', '--earliest', '--topic', topic, '--group', group]);
    expect((await reset.waitForExit(30_000)).code, reset.describe()).toBe(0);
    expect(
      reset.matching(new RegExp(`^Group ${group} now resumes ${topic} at partition 0 → 0, partition 1 → 0\\.$`)),
    ).toHaveLength(1);

    const replay = start('offsets', ['replay', '--minutes-ago', 10, '--topic', topic]);
    expect((await replay.waitForExit(30_000)).code, replay.describe()).toBe(0);
    expect(replay.matching(/^6 transaction\(s\) since /)).toHaveLength(1);
  });

  test('offsets: a missing command or a half-given reset is one line', async ({ onTestFinished }) => {
    const { start } = demoRun(onTestFinished);
    const none = start('offsets', []);
    expect((await none.waitForExit()).code).toBe(1);
    expect(none.stderr.trim()).toBe('❌ what should it do? Give one of lag, reset, replay: npm run offsets -- lag');
    const both = start('offsets', ['reset', '--earliest', '--minutes-ago', 5]);
    expect((await both.waitForExit()).code).toBe(1);
    expect(both.stderr.trim()).toBe(
      '❌ reset needs exactly one of --earliest or --minutes-ago N: npm run offsets -- reset --earliest',
    );
  });
});
