import { afterAll, beforeAll, expect, test } from 'vitest';
import { decodeBalanceUpdate, toCents, type BalanceUpdate } from '../../bank/balance.ts';
import { createTransactionGenerator, generateTransactions } from '../../bank/generator.ts';
import { waitFor, within } from '../../checks/support/wait.ts';
import { streamTransactions } from '../../demo/stream.ts';
import { TransactionProducer } from '../../solutions/01-producer-basics/producer.ts';
import { keyFor, partitionFor } from '../../solutions/02-keys-and-partitions/keys.ts';
import { kafkaConfig } from '../../workshop/config.ts';
import { RestartableBroker } from '../../workshop/broker/restartable-broker.ts';
import { demoRun } from '../e2e/support/demo-run.ts';
import { figure, measured, repeated, seconds } from './support/tally.ts';

/**
 * Lesson 10's promise under a real crash: the broker dies (SIGKILL) in the middle of the
 * balance service's stream of transactions, in the middle of whatever transaction is open.
 * This file's broker is its own, on free ports, so it may kill it.
 */
let broker: RestartableBroker;

beforeAll(async () => {
  broker = await RestartableBroker.start();
});

afterAll(async () => {
  await broker?.stop();
});

const sorted = (values: Iterable<string>) => [...values].sort();
/** "✅ balances holds …" → "balances holds …" */
const withoutIcon = (line: string) => line.replace(/^\S+\s+/, '');

test('the broker killed and restarted under npm run balances at 1,000 transactions of 3,000: a read_committed reader sees each update exactly once, and the final balances are exact', async ({
  onTestFinished,
}) => {
  const { ctx, start } = demoRun(onTestFinished, broker.brokers);
  const input = await ctx.createTopic('transactions', 3);
  const output = await ctx.createTopic('balances', 3);
  const groupId = ctx.name('balance-service');
  const [count, killAt, seed, accounts] = [3000, 1000, 1601, 50];
  // the service under test: npm run balances, as a learner runs it
  const service = start('balances', [
    '--topic',
    input,
    '--balances-topic',
    output,
    '--group',
    groupId,
    '--transactional-id',
    ctx.name('balance-service-tx'),
    '--quiet',
  ]);
  await service.waitForLine(/Partitions assigned: 0, 1, 2$/, 60_000);

  // The stream the simulator would send, sent from here with the simulator's own modules and a
  // patient producer: on a busy machine a JVM broker may take longer to come back than the
  // simulator waits (about half a minute), and the stream is not what this test is about.
  const producer = new TransactionProducer(
    {
      ...kafkaConfig(ctx.name('stream'), broker.brokers),
      retry: { retries: 100, initialRetryTime: 300, maxRetryTime: 2000 },
    },
    input,
  );
  onTestFinished(() => producer.close());
  await producer.connect();
  let reachedKillPoint!: () => void;
  const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));
  const streaming = streamTransactions({
    rate: 200,
    count,
    stop: new AbortController().signal,
    next: createTransactionGenerator({ seed, accounts }),
    send: (tx) => producer.send(tx, keyFor(tx)),
    // one send at a time per partition, as the simulator does (see demo/simulator.ts)
    laneOf: (tx) => partitionFor(keyFor(tx), 3),
    onSent: (_, sent) => sent >= killAt && reachedKillPoint(),
  });

  await within(killPoint, 180_000, `the stream never reached ${killAt} transactions`);
  await broker.kill();
  const killedAt = performance.now();
  const downFor = 3000;
  await new Promise((resolve) => setTimeout(resolve, downFor)); // the outage itself is the fault under test
  await broker.restart();
  const backAt = performance.now();
  expect((await within(streaming, 300_000, 'the stream did not finish')).sent).toBe(count);

  const ends = await ctx.endOffsets(input);
  let committed = new Map<number, number>();
  await waitFor(
    async () => {
      // the restarted broker may not have loaded the group's coordinator yet: ask again
      const seen = await ctx.committedOffsets(groupId, input).catch((error: Error) => {
        if (error.name === 'KafkaJSGroupCoordinatorNotFound') return undefined;
        throw error;
      });
      if (!seen) return undefined;
      committed = seen;
      return [...ends].every(([p, end]) => end === 0 || (committed.get(p) ?? -1) >= end) ? true : undefined;
    },
    {
      timeoutMs: 90_000,
      intervalMs: 250,
      expected: `the balance service to commit all ${figure(count)} input offsets`,
      likelyCause: 'the service gave up on the broker while it was away, or is stuck on a transaction',
      lastSeen: () =>
        `committed ${[...ends].map(([p, end]) => `${committed.get(p) ?? '-'} of ${end}`).join(', ')}; service output:\n${service.lines
          .slice(-5)
          .map((l) => l.text)
          .join('\n')}\n${service.stderr}`,
    },
  );
  const caughtUpAt = performance.now();
  expect(await service.interrupt(30_000), service.describe()).toEqual({ code: 0, signal: null });

  const updates: BalanceUpdate[] = (await ctx.readAll(output, 30_000)).map((m) => decodeBalanceUpdate(m.value));
  const everything = await ctx.readAll(output, 30_000, { readUncommitted: true });
  const sent = generateTransactions(count, { seed, accounts });
  const ids = updates.map((u) => u.transaction_id);
  expect(repeated(ids), 'balance updates a read_committed reader sees twice').toEqual([]);
  expect(sorted(ids), 'a read_committed reader should see one update per transaction sent').toEqual(
    sorted(sent.map((tx) => tx.transaction_id)),
  );

  // each account's updates, in order, add up one transaction at a time, to the sum of its transactions
  const amountOf = new Map(sent.map((tx) => [tx.transaction_id, toCents(tx.amount)]));
  const balances = new Map<number, number>();
  const breaks: string[] = [];
  for (const update of updates) {
    const expected = (balances.get(update.account) ?? 0) + amountOf.get(update.transaction_id)!;
    if (update.balance_cents !== expected)
      breaks.push(`${update.transaction_id}: ${update.balance_cents} instead of ${expected}`);
    balances.set(update.account, update.balance_cents);
  }
  expect(breaks, 'balances that do not follow from the one before').toEqual([]);
  const sums = new Map<number, number>();
  for (const tx of sent) sums.set(tx.account, (sums.get(tx.account) ?? 0) + toCents(tx.amount));
  expect(Object.fromEntries(balances), 'final balances').toEqual(Object.fromEntries(sums));

  const restarts = service.matching(/^🔁 Starting the service again/).length;
  measured(
    `broker killed at transaction ${figure(killAt)} of ${figure(count)}, down ${seconds(downFor)}, answering again ${seconds(backAt - killedAt)} after the kill; ` +
      `service caught up ${seconds(caughtUpAt - backAt)} after the broker answered, restarted itself ${restarts} time(s); ` +
      `read_committed: ${figure(updates.length)} updates, ${repeated(ids).length} duplicates, ${sent.length - new Set(ids).size} missing, ${balances.size} exact balances; ` +
      `read_uncommitted: ${figure(everything.length - updates.length)} more (aborted) writes`,
  );
}, 480_000);

test('--crash-after kills the service as a commit leaves: with transactions the restart counts each transaction once; --at-least-once counts the killed batch twice', async ({
  onTestFinished,
}) => {
  await broker.restart(); // running already, unless the test before left it down
  const { ctx, start } = demoRun(onTestFinished, broker.brokers);
  const input = await ctx.createTopic('transactions', 3);
  // seed 2 puts 173, 142 and 85 of the 400 transactions on the three partitions: a backlog
  // comes as one batch per partition, and whatever their order, the third commit leaves after
  // at least 100 (with the accounts drawn at random, two partitions may take almost everything,
  // the last commit leave before the 100th, and nothing be killed)
  const [count, crashAfter, seed] = [400, 100, 2];
  const simulator = start('simulator', [
    '--topic',
    input,
    '--count',
    count,
    '--rate',
    1000,
    '--accounts',
    5,
    '--seed',
    seed,
  ]);
  expect(await simulator.waitForExit(120_000), simulator.describe()).toEqual({ code: 0, signal: null });

  const audits = { transactions: '', 'at least once': '' };
  for (const mode of ['transactions', 'at least once'] as const) {
    const label = mode === 'transactions' ? 'exactly-once' : 'at-least-once';
    const args = [
      '--topic',
      input,
      '--balances-topic',
      ctx.ownTopic(ctx.name(`balances-${label}`)),
      '--group',
      ctx.name(`group-${label}`),
      '--transactional-id',
      ctx.name(`tx-${label}`),
      '--quiet',
      ...(mode === 'at least once' ? ['--at-least-once'] : []),
    ];
    const killed = start('balances', [...args, '--crash-after', crashAfter]);
    expect(await killed.waitForExit(120_000), killed.describe()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(killed.matching(/^💥 Killed on purpose \(--crash-after 100\)/), killed.describe()).toHaveLength(1);

    const restarted = start('balances', args);
    await restarted.waitForLine(/^🔁 Restored \d+ balances/, 60_000);
    const ends = await ctx.endOffsets(input);
    await waitFor(
      async () => {
        const committed = await ctx.committedOffsets(ctx.name(`group-${label}`), input);
        return [...ends].every(([p, end]) => end === 0 || (committed.get(p) ?? -1) >= end) ? true : undefined;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        expected: `the restarted ${mode} service to catch up`,
        likelyCause: 'the restart did not rejoin the group',
      },
    );
    expect(await restarted.interrupt(30_000), restarted.describe()).toEqual({ code: 0, signal: null });
    audits[mode] = restarted.matching(/balance updates for \d+ transactions/)[0] ?? restarted.describe();
  }
  expect(audits.transactions).toMatch(
    new RegExp(`holds ${count} balance updates for ${count} transactions: each counted exactly once`),
  );
  expect(audits['at least once']).toMatch(
    new RegExp(`holds \\d+ balance updates for ${count} transactions: \\d+ counted more than once`),
  );
  measured(
    `--crash-after ${crashAfter} of ${count}: ${withoutIcon(audits.transactions)} | ${withoutIcon(audits['at least once'])}`,
  );
}, 480_000);
