import { expect } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
import { statisticsOf } from '../bank/statistics.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Lesson from '../solutions/03-consumer-groups/consumer.ts';
import { CONSUMER_WAIT_MS, ConsumerWatch, groupMembers, SLOW_CONSUMER_TIMEOUT_MS } from './support/consumer-watch.ts';
import type { CheckContext } from './support/context.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { sendMessages, sendTransactions } from './support/produce.ts';
import { waitFor } from './support/wait.ts';

type Lesson03 = typeof Lesson;
type Where = Lesson.MessagePosition;

const PARTITIONS = 3;

/** One TransactionConsumer of the learner's, with everything it reported. */
interface Run {
  consumer: Lesson.TransactionConsumer;
  /** Transactions whose onTransaction call has finished, in that order. */
  seen: Array<{ tx: Transaction; where: Where }>;
  malformed: Array<{ error: Error; where: Where }>;
  watch: ConsumerWatch;
  ids(): string[];
  /** Waits until `done`, failing early and clearly when the consumer crashed or read nothing from the beginning. */
  until(done: () => boolean, expected: string, lastSeen: () => string): Promise<void>;
}

interface RunOptions {
  groupId: string;
  fromBeginning: boolean;
  label?: string;
  /** Called before a transaction counts as seen; `index` is how many were seen before it. */
  beforeSeen?: (tx: Transaction, index: number) => Promise<void>;
}

/** Constructs the learner's consumer first (so a stub fails at once), and always stops it. */
function consumerRun(lesson: Lesson03, ctx: CheckContext, topic: string, options: RunOptions): Run {
  const seen: Run['seen'] = [];
  const malformed: Run['malformed'] = [];
  const consumer = new lesson.TransactionConsumer({
    connection: ctx.connection(options.label ?? 'monitor'),
    topic,
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    onTransaction: async (tx, where) => {
      await options.beforeSeen?.(tx, seen.length);
      seen.push({ tx, where });
    },
    onMalformed: (error, where) => {
      malformed.push({ error, where });
    },
  });
  ctx.onCleanup(() => consumer.stop());
  const watch = new ConsumerWatch(consumer.consumer, topic);
  return {
    consumer,
    seen,
    malformed,
    watch,
    ids: () => seen.map((s) => s.tx.transaction_id),
    until: (done, expected, lastSeen) =>
      watch.until(done, {
        timeoutMs: CONSUMER_WAIT_MS,
        expected,
        lastSeen,
        readsNothing: options.fromBeginning
          ? () =>
              `the consumer fetched ${watch.fetches} times and got none of the transactions already on the topic. A group with no committed offsets starts at the end of the topic unless it subscribes with fromBeginning: true: pass options.fromBeginning to subscribe`
          : undefined,
      }),
  };
}

/** The learner's consumer (constructed first, so a stub fails at once) on a fresh topic that already holds `sent`, started. */
async function startedOn(lesson: Lesson03, ctx: CheckContext, sent: Transaction[], options: Omit<RunOptions, 'groupId'>) {
  const topic = ctx.name('transactions');
  const groupId = ctx.name('transaction-monitor');
  const run = consumerRun(lesson, ctx, topic, { ...options, groupId });
  await ctx.createTopic('transactions', PARTITIONS);
  await sendTransactions(ctx, topic, sent, PARTITIONS);
  await run.consumer.start();
  return { topic, groupId, run };
}

const sample = (count: number, seed: number) => generateTransactions(count, { seed, accounts: 12 });
const list = (ids: string[]) => (ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', '));

/** The offset each partition should resume from: one past the last processed message. */
function nextOffsets(seen: Run['seen']): Map<number, number> {
  const next = new Map<number, number>();
  for (const { where } of seen) next.set(where.partition, Math.max(next.get(where.partition) ?? 0, Number(where.offset) + 1));
  return next;
}

export const lesson03 = defineLesson<Lesson03>({
  id: 'lesson-03',
  slug: '03-consumer-groups',
  files: ['consumer.ts'],
  checks: [
    {
      name: 'reads every transaction on the topic exactly once, from the beginning',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const sent = sample(30, 301);
        const { run } = await startedOn(lesson, ctx, sent, { fromBeginning: true });
        await run.until(
          () => run.seen.length >= sent.length,
          `all ${sent.length} transactions to reach onTransaction`,
          () =>
            run.seen.length === 0 && run.consumer.processedCount > 0
              ? `processedCount is ${run.consumer.processedCount} but onTransaction was never called: await options.onTransaction(tx, where)`
              : `${run.seen.length} arrived. Does start() hand every message to this.handle?`,
        );
        await run.consumer.stop();
        const ids = run.ids();
        const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
        expect(twice, `these transactions were processed twice: ${list(twice)}`).toEqual([]);
        expect([...ids].sort(), 'the consumer processed other transactions than the ones on the topic').toEqual(sent.map((tx) => tx.transaction_id).sort());
        expect(run.consumer.processedCount, 'processedCount should count each processed transaction once').toBe(sent.length);
        // the check spread the transactions round-robin: the i-th went to partition i % 3, at offset i / 3
        sent.forEach((tx, i) => {
          const where = run.seen.find((s) => s.tx.transaction_id === tx.transaction_id)!.where;
          expect({ partition: where.partition, offset: String(where.offset) }, `onTransaction got ${tx.transaction_id} with the wrong position: pass the partition and message.offset it came from`).toEqual({
            partition: i % PARTITIONS,
            offset: String(Math.floor(i / PARTITIONS)),
          });
        });
      },
    },
    {
      name: 'keeps the real-time statistics exactly',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const sent = sample(40, 302);
        const { run } = await startedOn(lesson, ctx, sent, { fromBeginning: true });
        await run.until(() => run.consumer.processedCount >= sent.length, `processedCount to reach ${sent.length}`, () => `processedCount ${run.consumer.processedCount}`);
        await run.consumer.stop();
        expect(run.consumer.statistics(), 'statistics() differs from the statistics of the transactions on the topic: record each transaction in this.stats exactly once').toEqual(statisticsOf(sent));
      },
    },
    {
      name: 'starts at the end of the topic when fromBeginning is false',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const [old, fresh] = [sample(12, 303), sample(12, 304)];
        const { topic, run } = await startedOn(lesson, ctx, old, { fromBeginning: false });
        await run.watch.firstFetch('the consumer');
        await sendTransactions(ctx, topic, fresh, PARTITIONS);
        const freshIds = new Set(fresh.map((tx) => tx.transaction_id));
        await run.until(
          () => fresh.every((tx) => run.ids().includes(tx.transaction_id)),
          `the ${fresh.length} transactions sent after start() to reach onTransaction`,
          () => `${run.ids().filter((id) => freshIds.has(id)).length} of them arrived`,
        );
        await run.consumer.stop();
        const replayed = run.ids().filter((id) => !freshIds.has(id));
        expect(
          replayed,
          `the consumer processed ${replayed.length} transactions that were on the topic before it started (${list(replayed)}). With fromBeginning: false a new group starts at the end, like the seed's auto_offset_reset="latest": pass options.fromBeginning through instead of always true`,
        ).toEqual([]);
      },
    },
    {
      name: 'stop() commits what was processed: committed offsets equal the end offsets',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const sent = sample(30, 305);
        const { topic, groupId, run } = await startedOn(lesson, ctx, sent, { fromBeginning: true });
        await run.until(() => run.seen.length >= sent.length, `all ${sent.length} transactions to reach onTransaction`, () => `${run.seen.length} arrived`);
        await run.consumer.stop();
        const [ends, committed] = [await ctx.endOffsets(topic), await ctx.committedOffsets(groupId, topic)];
        for (const [partition, end] of ends) {
          const offset = committed.get(partition) ?? -1;
          expect(
            offset,
            offset < 0
              ? `after stop(), group ${groupId} has no committed offset on partition ${partition}, which holds ${end} processed messages: a restart would process them all again. Let kafkajs commit (autoCommit, its default) or commit before disconnecting`
              : `after stop(), partition ${partition} has committed offset ${offset}, but every message up to its end offset ${end} was processed: a restart would repeat ${end - offset} of them`,
          ).toBe(end);
        }
      },
    },
    {
      name: 'a restart in the same group receives only new transactions',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const [old, fresh] = [sample(15, 306), sample(15, 307)];
        const { topic, groupId, run: first } = await startedOn(lesson, ctx, old, { fromBeginning: true, label: 'monitor-1' });
        await first.until(() => first.seen.length >= old.length, `all ${old.length} transactions to reach the first run`, () => `${first.seen.length} arrived`);
        await first.consumer.stop();

        // fromBeginning only applies to a group without committed offsets: this one has them
        const second = consumerRun(lesson, ctx, topic, { groupId, fromBeginning: true, label: 'monitor-2' });
        await sendTransactions(ctx, topic, fresh, PARTITIONS);
        await second.consumer.start();
        const freshIds = new Set(fresh.map((tx) => tx.transaction_id));
        await second.until(
          () => fresh.every((tx) => second.ids().includes(tx.transaction_id)),
          `the ${fresh.length} new transactions to reach the restarted consumer`,
          () => `${second.ids().filter((id) => freshIds.has(id)).length} of them arrived`,
        );
        await second.consumer.stop();
        const repeated = second.ids().filter((id) => !freshIds.has(id));
        expect(
          repeated,
          `the restarted consumer processed ${repeated.length} transactions again that the first run had already processed (${list(repeated)}). It should resume at the offsets the group committed: same groupId (options.groupId) for both runs, and the first run commits when it stops`,
        ).toEqual([]);
      },
    },
    {
      name: 'stop() in mid-stream commits exactly what was processed, and a restart picks up right there',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        ctx.onCleanup(() => release());
        let held = false;
        const sent = sample(30, 308);
        // the 5th transaction is held until stop() has been called: a stop in the middle of a batch
        const { topic, groupId, run: first } = await startedOn(lesson, ctx, sent, {
          fromBeginning: true,
          label: 'monitor-1',
          beforeSeen: async (_tx, index) => {
            if (index !== 4 || held) return;
            held = true;
            await gate;
          },
        });
        await first.until(() => held, 'the 5th transaction to reach onTransaction', () => `${first.seen.length} arrived`);
        const stopping = first.consumer.stop();
        release();
        await stopping;

        const processed = nextOffsets(first.seen);
        const committed = await ctx.committedOffsets(groupId, topic);
        for (let partition = 0; partition < PARTITIONS; partition++) {
          // a partition with nothing processed may have no commit at all: it starts from the beginning either way
          const resumeAt = Math.max(committed.get(partition) ?? -1, 0);
          const done = processed.get(partition) ?? 0;
          expect(
            resumeAt,
            resumeAt > done
              ? `partition ${partition}: committed offset ${resumeAt}, but only the messages before offset ${done} were processed. A crash now would lose ${resumeAt - done} transactions: mark a message done only after processing it`
              : `partition ${partition}: committed offset ${resumeAt}, but the messages before offset ${done} were processed: a restart would repeat ${done - resumeAt} of them`,
          ).toBe(done);
        }

        const second = consumerRun(lesson, ctx, topic, { groupId, fromBeginning: true, label: 'monitor-2' });
        await second.consumer.start();
        const total = () => first.seen.length + second.seen.length;
        await second.until(() => total() >= sent.length, `the restart to process the remaining ${sent.length - first.seen.length} transactions`, () => `${second.seen.length} arrived`);
        await second.consumer.stop();
        const all = [...first.ids(), ...second.ids()];
        const twice = all.filter((id, i) => all.indexOf(id) !== i);
        expect(twice, `these transactions were processed by both runs: ${list(twice)}`).toEqual([]);
        expect([...all].sort(), 'between them, the two runs should process every transaction on the topic').toEqual(sent.map((tx) => tx.transaction_id).sort());
      },
    },
    {
      name: 'two consumers in one group split the partitions and process each transaction once',
      timeoutMs: 2 * SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const groupId = ctx.name('transaction-monitor');
        const runs = [
          consumerRun(lesson, ctx, topic, { groupId, fromBeginning: true, label: 'monitor-a' }),
          consumerRun(lesson, ctx, topic, { groupId, fromBeginning: true, label: 'monitor-b' }),
        ] as const;
        await ctx.createTopic('transactions', PARTITIONS);
        for (const run of runs) await run.consumer.start();

        const members = await groupMembers(ctx, groupId);
        const clientIds = ['monitor-a', 'monitor-b'].map((label) => ctx.name(label));
        expect(
          members,
          `both consumers were created with groupId ${groupId}, but the group's members are [${members.join(', ')}]. Consumers share a topic's partitions only when they join the same group: use options.groupId (or DEFAULT_GROUP_ID) as the consumer's groupId`,
        ).toEqual(clientIds);
        // the group rebalances when the second consumer joins; wait until both hold their final share
        await waitFor(
          () => {
            const [a, b] = runs.map((run) => run.watch.assigned ?? []);
            const covered = new Set([...a!, ...b!]);
            return a!.length + b!.length === PARTITIONS && covered.size === PARTITIONS ? true : undefined;
          },
          {
            timeoutMs: 12_000,
            expected: `the ${PARTITIONS} partitions to be split between the two consumers`,
            lastSeen: () => runs.map((run, i) => `consumer ${'ab'[i]} has [${run.watch.assigned?.join(', ') ?? ''}]`).join(', '),
          },
        );

        const sent = sample(30, 309);
        await sendTransactions(ctx, topic, sent, PARTITIONS);
        const total = () => runs[0].seen.length + runs[1].seen.length;
        await waitFor(() => (total() >= sent.length ? true : runs[0].watch.failIfCrashed() ?? runs[1].watch.failIfCrashed()), {
          timeoutMs: CONSUMER_WAIT_MS,
          expected: `the two consumers to process all ${sent.length} transactions between them`,
          lastSeen: () => `${total()} processed`,
        });
        await Promise.all(runs.map((run) => run.consumer.stop()));
        runs.forEach((run, i) => {
          const strays = run.seen.filter((s) => !run.watch.assigned!.includes(s.where.partition));
          expect(strays.map((s) => s.where.partition), `consumer ${'ab'[i]} processed messages of partitions it was not assigned`).toEqual([]);
        });
        const all = [...runs[0].ids(), ...runs[1].ids()];
        const twice = all.filter((id, i) => all.indexOf(id) !== i);
        expect(twice, `these transactions were processed by both consumers: ${list(twice)}`).toEqual([]);
        expect(all.length, 'between them, the two consumers should process every transaction once').toBe(sent.length);
      },
    },
    {
      name: 'a malformed message is counted and skipped, never fatal',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const groupId = ctx.name('transaction-monitor');
        const run = consumerRun(lesson, ctx, topic, { groupId, fromBeginning: true });
        await ctx.createTopic('transactions', 1);
        const valid = sample(8, 310);
        const poison = ['not json at all', JSON.stringify({ account: 1234, amount: 'lots' }), null];
        // one partition, so each malformed message stands in front of valid ones
        const values = [valid[0], valid[1], poison[0], valid[2], valid[3], poison[1], valid[4], poison[2], valid[5], valid[6], valid[7]];
        await sendMessages(ctx, topic, values.map((value) => ({ key: null, value: value === null ? null : typeof value === 'string' ? value : JSON.stringify(value) })));
        await run.consumer.start();
        const skipHint = 'Catch the MalformedTransactionError from decodeTransaction, count it in malformedCount, call options.onMalformed, and return normally';
        await run.until(
          () => run.consumer.processedCount >= valid.length && run.malformed.length >= poison.length,
          `${valid.length} valid transactions processed and ${poison.length} malformed ones reported`,
          () => `processedCount ${run.consumer.processedCount}, malformedCount ${run.consumer.malformedCount}, onMalformed called ${run.malformed.length} times. ${skipHint}`,
        ).catch((error: Error) => {
          throw /crashed/.test(error.message) ? new Error(`${error.message}. A malformed message must never stop the consumer. ${skipHint}`) : error;
        });
        await run.consumer.stop();
        expect(run.malformed.map((m) => m.where.offset), 'onMalformed should get the position of each malformed message').toEqual(['2', '5', '7']);
        expect(run.malformed.every((m) => m.error instanceof Error), 'onMalformed should get the MalformedTransactionError').toBe(true);
        expect(run.consumer.malformedCount, 'malformedCount should count each malformed message once').toBe(poison.length);
        expect(run.consumer.processedCount, 'processedCount counts valid transactions only').toBe(valid.length);
        expect(run.consumer.statistics(), 'the statistics should only include the valid transactions').toEqual(statisticsOf(valid));
        const committed = (await ctx.committedOffsets(groupId, topic)).get(0);
        expect(committed, 'the skipped messages should be committed too, or every restart meets them again').toBe(values.length);
      },
    },
  ],
  wrongAnswers: [
    { fixture: 'forgets-from-beginning', rejectedBy: 'reads every transaction on the topic exactly once, from the beginning', teaches: /got none of the transactions already on the topic.*fromBeginning: true/ },
    { fixture: 'always-from-beginning', rejectedBy: 'starts at the end of the topic when fromBeginning is false', teaches: /before it started.*pass options\.fromBeginning through/ },
    { fixture: 'never-commits', rejectedBy: 'stop() commits what was processed: committed offsets equal the end offsets', teaches: /no committed offset on partition \d.*process them all again/ },
    { fixture: 'unique-group-per-consumer', rejectedBy: 'a restart in the same group receives only new transactions', teaches: /processed 15 transactions again.*same groupId/ },
    { fixture: 'unique-group-per-consumer', rejectedBy: 'two consumers in one group split the partitions and process each transaction once', teaches: /join the same group: use options\.groupId/ },
    { fixture: 'resolves-batch-before-processing', rejectedBy: 'stop() in mid-stream commits exactly what was processed, and a restart picks up right there', teaches: /would lose \d+ transactions: mark a message done only after processing it/ },
    { fixture: 'throws-on-malformed', rejectedBy: 'a malformed message is counted and skipped, never fatal', teaches: /must never stop the consumer|Catch the MalformedTransactionError/ },
  ],
});

registerLesson(lesson03);
