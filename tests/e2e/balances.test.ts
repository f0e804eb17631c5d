import { describe, expect, test } from 'vitest';
import { decodeBalanceUpdate, toCents } from '../../bank/balance.ts';
import { generateTransactions } from '../../bank/generator.ts';
import type { CheckContext } from '../../checks/support/context.ts';
import { waitFor } from '../../checks/support/wait.ts';
import { waitForOutput, type DemoProcess } from '../../workshop/demo-process.ts';
import { STACK_FRAME } from '../support/spawn-cli.ts';
import { demoRun } from './support/demo-run.ts';

/**
 * Lesson 10 live (`npm run balances`, the reference code) as a learner runs it, next to the
 * simulator, against the live broker: Ctrl+C finishes the transaction in hand, the restart
 * resumes with the balances it committed, and a second instance fences the first.
 */
const CLEAN_EXIT = { code: 0, signal: null };

/** The options that give a run topics, a group and a transactionalId of its own. */
function serviceArgs(ctx: CheckContext, input: string, output: string): string[] {
  return [
    '--topic',
    input,
    '--balances-topic',
    output,
    '--group',
    ctx.name('balance-service'),
    '--transactional-id',
    ctx.name('balance-service-tx'),
  ];
}

async function untilAllCommitted(ctx: CheckContext, input: string, service: DemoProcess): Promise<void> {
  const ends = await ctx.endOffsets(input);
  let committed = new Map<number, number>();
  await waitFor(
    async () => {
      committed = await ctx.committedOffsets(ctx.name('balance-service'), input);
      return [...ends].every(([p, end]) => end === 0 || (committed.get(p) ?? -1) >= end) ? true : undefined;
    },
    {
      timeoutMs: 30_000,
      expected: `the service to commit every input offset (${JSON.stringify([...ends])})`,
      likelyCause: 'the service stopped or is stuck on a transaction',
      lastSeen: () => `committed ${JSON.stringify([...committed])}; ${service.describe()}`,
    },
  );
}

describe.concurrent('npm run balances, end to end', () => {
  test('Ctrl+C mid-stream finishes the transaction in hand; the restart resumes with the committed balances; each transaction is counted once', async ({
    onTestFinished,
  }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const input = await ctx.createTopic('transactions', 3);
    // made here, past kafkajs's new-topic race (workshop/kafka/new-topic-race.ts), which is not what these tests are about
    const output = await ctx.createTopic('balances', 3);
    const [count, seed, accounts] = [300, 1701, 5];
    const first = start('balances', [...serviceArgs(ctx, input, output), '--quiet']);
    await first.waitForLine(/^🧩 Partitions assigned: 0, 1, 2$/, 30_000);
    const simulator = start('simulator', [
      '--topic',
      input,
      '--count',
      count,
      '--rate',
      50,
      '--seed',
      seed,
      '--accounts',
      accounts,
    ]);
    await first.waitForLine(/^📦 \d+ transactions committed$/, 30_000);
    expect(await first.interrupt(30_000), first.describe()).toEqual(CLEAN_EXIT);
    const stoppedAfter = Number(/Committed (\d+) transactions/.exec(first.matching(/^👋 Committed/)[0] ?? '')?.[1]);
    expect(stoppedAfter, first.describe()).toBeGreaterThanOrEqual(100);
    expect(first.matching(/each counted exactly once\.$/), first.describe()).toHaveLength(1);
    expect(await simulator.waitForExit(60_000), simulator.describe()).toEqual(CLEAN_EXIT);

    const second = start('balances', serviceArgs(ctx, input, output));
    await second.waitForLine(/^🔁 Restored \d+ balances/, 30_000);
    await untilAllCommitted(ctx, input, second);
    // the board shows each update the second run committed, once its transaction is visible
    const printed = () => second.matching(/^Account \d+ \| balance /).length;
    await waitForOutput([second], () => (printed() >= count - stoppedAfter ? true : undefined), {
      timeoutMs: 10_000,
      expected: `the board to show the ${count - stoppedAfter} updates of the second run`,
    });
    expect(await second.interrupt(30_000), second.describe()).toEqual(CLEAN_EXIT);
    expect(printed(), 'each update shown once').toBe(count - stoppedAfter);
    expect(second.matching(new RegExp(`^👋 Committed ${count - stoppedAfter} transactions`))).toHaveLength(1);
    expect(
      second.matching(
        new RegExp(`holds ${count} balance updates for ${count} transactions: each counted exactly once`),
      ),
      second.describe(),
    ).toHaveLength(1);

    // what any read_committed reader sees: one update per transaction, ending at the sum of each account's
    const updates = (await ctx.readAll(output)).map((m) => decodeBalanceUpdate(m.value));
    const sent = generateTransactions(count, { seed, accounts });
    expect(updates.map((u) => u.transaction_id).sort()).toEqual(sent.map((tx) => tx.transaction_id).sort());
    const latest = new Map(updates.map((u) => [u.account, u.balance_cents]));
    const sums = new Map<number, number>();
    for (const tx of sent) sums.set(tx.account, (sums.get(tx.account) ?? 0) + toCents(tx.amount));
    expect(Object.fromEntries(latest)).toEqual(Object.fromEntries(sums));
  }, 90_000);

  test('a second instance with the same transactionalId fences the first, which stops with one clear line', async ({
    onTestFinished,
  }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const input = await ctx.createTopic('transactions', 3);
    // made here, past kafkajs's new-topic race (workshop/kafka/new-topic-race.ts), which is not what these tests are about
    const output = await ctx.createTopic('balances', 3);
    const first = start('balances', serviceArgs(ctx, input, output));
    await first.waitForLine(/^🧩 Partitions assigned: 0, 1, 2$/, 30_000);
    const second = start('balances', serviceArgs(ctx, input, output));
    await second.waitForLine(/^🔁 Restored \d+ balances/, 30_000);
    // work for both: the first meets its fence at its next transaction
    const simulator = start('simulator', ['--topic', input, '--count', 30, '--rate', 300]);
    expect(await simulator.waitForExit(30_000), simulator.describe()).toEqual(CLEAN_EXIT);

    const exit = await first.waitForExit(30_000);
    expect(exit, first.describe()).toEqual({ code: 1, signal: null });
    const lines = first.stderr.trim().split('\n');
    expect(lines, 'one line, no stack trace').toHaveLength(1);
    expect(first.stderr).not.toMatch(STACK_FRAME);
    expect(lines[0]).toMatch(
      new RegExp(`^❌ fenced: another instance with transactionalId "${ctx.name('balance-service-tx')}" took over`),
    );
    await untilAllCommitted(ctx, input, second);
    expect(await second.interrupt(30_000), second.describe()).toEqual(CLEAN_EXIT);
    expect(second.matching(/holds 30 balance updates for 30 transactions: each counted exactly once/)).toHaveLength(1);
  }, 90_000);
});
