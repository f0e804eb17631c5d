import { expect } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
import { statisticsOf } from '../bank/statistics.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Lesson from '../solutions/03-consumer-groups/consumer.ts';
import {
  CONSUMER_WAIT_MS,
  ConsumerWatch,
  groupMembers,
  MOVE_ON_MS,
  SLOW_CONSUMER_TIMEOUT_MS,
} from './support/consumer-watch.ts';
import type { CheckContext } from './support/context.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { sendMessages, sendTransactions } from './support/produce.ts';
import { clientsMadeWith } from './support/tracked-kafkajs.ts';
import { becomesTrue, waitFor } from './support/wait.ts';
import { wireTap, type WireTap } from './support/wire-tap.ts';

type Lesson03 = typeof Lesson;
type Where = Lesson.MessagePosition;

const PARTITIONS = 3;
/** The seed's monitor group, written out again so the check does not trust the learner's constant. */
const MONITOR_GROUP = 'transaction-monitor';

/** Why a consumer that is running falls short of every message, most of the time. */
const HANDS_OVER_EVERY_MESSAGE =
  'not every message reaches onTransaction: start() runs the consumer with an eachMessage that awaits this.handle, handle() passes each valid transaction to this.record, and record() awaits options.onTransaction';

/** One TransactionConsumer of the learner's, with everything it reported. */
interface Run {
  consumer: Lesson.TransactionConsumer;
  /** Transactions whose onTransaction call has finished, in that order. */
  seen: Array<{ tx: Transaction; where: Where }>;
  malformed: Array<{ error: Error; where: Where }>;
  watch: ConsumerWatch;
  /** The consumer's connections to the broker, made through `connection`. */
  tap: WireTap;
  ids(): string[];
  /** Waits until `done`, failing early and clearly when the consumer crashed or read nothing from the beginning. */
  until(
    done: () => boolean,
    expected: string,
    lastSeen: () => string,
    likelyCause?: string | (() => string),
  ): Promise<void>;
}

interface RunOptions {
  groupId: string;
  /** Left out (undefined) to test the default. */
  fromBeginning?: boolean;
  label?: string;
  /** Called before a transaction counts as seen; `index` is how many were seen before it. */
  beforeSeen?: (tx: Transaction, index: number, where: Where) => Promise<void>;
  /** Leaves out onTransaction and onMalformed, which are optional: a consumer must work without them. */
  withoutCallbacks?: boolean;
}

/** Constructs the learner's consumer first (so a stub fails at once), and always stops it. */
function consumerRun(lesson: Lesson03, ctx: CheckContext, topic: string, options: RunOptions): Run {
  const seen: Run['seen'] = [];
  const malformed: Run['malformed'] = [];
  const tap = wireTap();
  const consumer = new lesson.TransactionConsumer({
    connection: { ...ctx.connection(options.label ?? 'monitor'), socketFactory: tap.socketFactory },
    topic,
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    ...(options.withoutCallbacks
      ? {}
      : {
          onTransaction: async (tx: Transaction, where: Where) => {
            await options.beforeSeen?.(tx, seen.length, where);
            seen.push({ tx, where });
          },
          onMalformed: (error: Error, where: Where) => {
            malformed.push({ error, where });
          },
        }),
  });
  ctx.onCleanup(() => consumer.stop());
  const watch = new ConsumerWatch(consumer.consumer, topic);
  return {
    consumer,
    seen,
    malformed,
    watch,
    tap,
    ids: () => seen.map((s) => s.tx.transaction_id),
    until: (done, expected, lastSeen, likelyCause = HANDS_OVER_EVERY_MESSAGE) =>
      watch
        .until(done, {
          timeoutMs: CONSUMER_WAIT_MS,
          expected,
          lastSeen,
          likelyCause,
          readsNothing: options.fromBeginning
            ? () =>
                `the consumer fetched ${watch.fetches} times and got none of the transactions already on the topic. A group with no committed offsets starts at the end of the topic unless it subscribes with fromBeginning: true: pass options.fromBeginning to subscribe`
            : undefined,
        })
        .catch((error: Error) => {
          // a callback the caller did not give, called anyway
          const missing = /options\.(on\w+) is not a function/.exec(error.message)?.[1];
          throw missing
            ? new Error(
                `${error.message}: this consumer was made without ${missing}. options.${missing} is optional, call it with ?.()`,
              )
            : error;
        }),
  };
}

/** The learner's consumer (constructed first, so a stub fails at once) on a fresh topic that already holds `sent`, started. */
async function startedOn(
  lesson: Lesson03,
  ctx: CheckContext,
  sent: Transaction[],
  options: Omit<RunOptions, 'groupId'>,
) {
  const topic = ctx.name('transactions');
  const groupId = ctx.name('transaction-monitor');
  const run = consumerRun(lesson, ctx, topic, { ...options, groupId });
  await ctx.createTopic('transactions', PARTITIONS);
  await sendTransactions(ctx, topic, sent, PARTITIONS);
  await run.consumer.start();
  return { topic, groupId, run };
}

/**
 * The learner's stop(), then what it must have done by the time it returns: the consumer
 * disconnected, which commits, leaves the group and closes the connections.
 */
async function stopped(run: Run): Promise<void> {
  await run.consumer.stop();
  if (run.watch.disconnected) return;
  const stoppedOnly = run.watch.stopped;
  // a socket closes a moment after disconnect() returns; give it that moment, no more
  const closed = await becomesTrue(() => run.tap.openConnections() === 0, 1000);
  throw new Error(
    stoppedOnly
      ? `stop() stopped the kafkajs consumer but did not disconnect it: ${closed ? 'its' : `${run.tap.openConnections()} of its`} connections to the broker ${closed ? 'are closed only by the check' : 'stay open'}, so a program using it never exits. consumer.stop() leaves the group; consumer.disconnect() also commits and closes the connections: await this.consumer.disconnect()`
      : 'stop() returned before the consumer had disconnected: await this.consumer.disconnect(), so whoever calls stop() knows the offsets are committed once it returns',
  );
}

const sample = (count: number, seed: number) => generateTransactions(count, { seed, accounts: 12 });
const list = (ids: string[]) =>
  ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');

/** How many messages of `partition`, from offset 0 on, onTransaction has finished without a gap: what may be committed. */
function finishedPrefix(seen: Run['seen'], partition: number): number {
  const done = new Set(seen.filter((s) => s.where.partition === partition).map((s) => Number(s.where.offset)));
  let next = 0;
  while (done.has(next)) next += 1;
  return next;
}

export const lesson03 = defineLesson<Lesson03>({
  id: 'lesson-03',
  checks: [
    {
      name: "without a group id, the consumer joins the monitors' group, DEFAULT_GROUP_ID",
      step: 1,
      async run(lesson, ctx) {
        let consumer: Lesson.TransactionConsumer;
        try {
          consumer = new lesson.TransactionConsumer({ connection: ctx.connection('monitor'), topic: ctx.name('t') });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (!/groupId must be a non-empty string/.test(message)) throw error;
          throw new Error(
            `made without options.groupId, the consumer got no group id at all (kafkajs: "${message}"): fall back to DEFAULT_GROUP_ID ("${MONITOR_GROUP}") with options.groupId ?? DEFAULT_GROUP_ID`,
            { cause: error },
          );
        }
        const groups = clientsMadeWith(ctx.runId).flatMap((made) =>
          made.kind === 'consumer' ? [made.config.groupId] : [],
        );
        expect(
          consumer.groupId,
          `made without options.groupId, the consumer's groupId is ${JSON.stringify(consumer.groupId)}: fall back to DEFAULT_GROUP_ID ("${MONITOR_GROUP}") with options.groupId ?? DEFAULT_GROUP_ID`,
        ).toBe(MONITOR_GROUP);
        expect(
          groups,
          `the kafkajs consumer was made with groupId ${groups.map((g) => JSON.stringify(g)).join(', ') || 'nothing'}, not this.groupId ("${MONITOR_GROUP}")`,
        ).toEqual([MONITOR_GROUP]);
      },
    },
    {
      name: 'reads every transaction on the topic exactly once, from the beginning',
      step: 2,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const sent = sample(30, 301);
        const { run } = await startedOn(lesson, ctx, sent, { fromBeginning: true });
        await run.until(
          () => run.seen.length >= sent.length,
          `all ${sent.length} transactions to reach onTransaction`,
          () => `${run.seen.length} arrived, processedCount is ${run.consumer.processedCount}`,
          () =>
            run.seen.length === 0 && run.consumer.processedCount > 0
              ? 'record() counts transactions but never calls onTransaction: await options.onTransaction?.(tx, where)'
              : HANDS_OVER_EVERY_MESSAGE,
        );
        await stopped(run);
        const ids = run.ids();
        const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
        expect(twice, `these transactions were processed twice: ${list(twice)}`).toEqual([]);
        const sentIds = sent.map((tx) => tx.transaction_id);
        const strangers = ids.filter((id) => !sentIds.includes(id));
        expect(
          strangers,
          `onTransaction got transactions that are not on the topic: ${list(strangers)}. Pass on what decodeTransaction returned`,
        ).toEqual([]);
        expect(
          run.consumer.processedCount,
          `processedCount is ${run.consumer.processedCount} after ${sent.length} transactions: add 1 for each processed transaction, once`,
        ).toBe(sent.length);
        // the check spread the transactions round-robin: the i-th went to partition i % 3, at offset i / 3
        sent.forEach((tx, i) => {
          const where = run.seen.find((s) => s.tx.transaction_id === tx.transaction_id)!.where;
          const actual = `partition ${where.partition}, offset ${String(where.offset)}`;
          const expected = `partition ${i % PARTITIONS}, offset ${Math.floor(i / PARTITIONS)}`;
          expect(
            actual,
            `onTransaction got ${tx.transaction_id} with position ${actual}, but it came from ${expected}: pass the partition and message.offset it came from`,
          ).toBe(expected);
        });
      },
    },
    {
      name: 'keeps the real-time statistics exactly',
      step: 4,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const sent = sample(40, 302);
        // without callbacks, as a caller that only wants the statistics; one malformed message among them
        const topic = ctx.name('transactions');
        const run = consumerRun(lesson, ctx, topic, {
          groupId: ctx.name('transaction-monitor'),
          fromBeginning: true,
          withoutCallbacks: true,
        });
        await ctx.createTopic('transactions', 1);
        await sendMessages(ctx, topic, [
          ...sent.slice(0, 20).map((tx) => ({ key: String(tx.account), value: JSON.stringify(tx) })),
          { key: null, value: 'not a transaction' },
          ...sent.slice(20).map((tx) => ({ key: String(tx.account), value: JSON.stringify(tx) })),
        ]);
        await run.consumer.start();
        await run.until(
          () => run.consumer.processedCount >= sent.length,
          `processedCount to reach ${sent.length}`,
          () => `processedCount ${run.consumer.processedCount}, malformedCount ${run.consumer.malformedCount}`,
          () =>
            run.consumer.processedCount <= 1
              ? 'the consumer is stuck at its first transaction, made without onTransaction. options.onTransaction is optional, call it with ?.()'
              : run.consumer.processedCount === 20 && run.consumer.malformedCount === 0
                ? 'the consumer is stuck at the malformed message after the 20th transaction, made without onMalformed. options.onMalformed is optional, call it with ?.()'
                : 'record() does not add 1 to this.processedCount for each transaction',
        );
        await stopped(run);
        const expected = statisticsOf(sent);
        const actual = run.consumer.statistics();
        const differences = (Object.keys(expected) as Array<keyof typeof expected>)
          .filter((key) => JSON.stringify(actual[key]) !== JSON.stringify(expected[key]))
          .map((key) => `${key} is ${JSON.stringify(actual[key])}, expected ${JSON.stringify(expected[key])}`);
        expect(
          differences,
          `statistics() differs from the statistics of the ${sent.length} transactions on the topic (${differences.join('; ')}): record each transaction in this.stats exactly once`,
        ).toEqual([]);
      },
    },
    {
      name: 'starts at the end of the topic when fromBeginning is not given',
      step: 2,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const [old, fresh] = [sample(12, 303), sample(12, 304)];
        const { topic, run } = await startedOn(lesson, ctx, old, {});
        await run.watch.firstFetch('the consumer');
        await sendTransactions(ctx, topic, fresh, PARTITIONS);
        const freshIds = new Set(fresh.map((tx) => tx.transaction_id));
        await run.until(
          () => fresh.every((tx) => run.ids().includes(tx.transaction_id)),
          `the ${fresh.length} transactions sent after start() to reach onTransaction`,
          () => `${run.ids().filter((id) => freshIds.has(id)).length} of them arrived`,
        );
        await stopped(run);
        const replayed = run.ids().filter((id) => !freshIds.has(id));
        expect(
          replayed,
          `without options.fromBeginning, the consumer processed ${replayed.length} transactions that were on the topic before it started (${list(replayed)}). A new group should start at the end, like the seed's auto_offset_reset="latest": pass options.fromBeginning through as it is (false when not given), never true by default`,
        ).toEqual([]);
      },
    },
    {
      name: 'stop() commits what was processed, leaves the group and closes its connections',
      step: 5,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const sent = sample(30, 305);
        const { topic, groupId, run } = await startedOn(lesson, ctx, sent, { fromBeginning: true });
        await run.until(
          () => run.seen.length >= sent.length,
          `all ${sent.length} transactions to reach onTransaction`,
          () => `${run.seen.length} arrived`,
        );
        await stopped(run);
        const [ends, committed] = [await ctx.endOffsets(topic), await ctx.committedOffsets(groupId, topic)];
        for (const [partition, end] of ends) {
          const offset = committed.get(partition) ?? -1;
          expect(
            offset,
            offset < 0
              ? `after stop(), group ${groupId} has no committed offset on partition ${partition}, which holds ${end} processed messages: a restart would process them all again. Let kafkajs commit (autoCommit, its default) and stop with consumer.disconnect(), which commits what was processed`
              : `after stop(), partition ${partition} has committed offset ${offset}, but every message up to its end offset ${end} was processed: a restart would repeat ${end - offset} of them`,
          ).toBe(end);
        }
        const members = await groupMembers(ctx, groupId);
        expect(
          members,
          `after stop(), the group still has ${members.length} member(s): the consumer did not leave, so its partitions stay unread until the broker gives up on it`,
        ).toEqual([]);
        const closed = await becomesTrue(() => run.tap.openConnections() === 0, 1000);
        expect(
          closed,
          `after stop(), ${run.tap.openConnections()} connection(s) to the broker are still open, so a program using this consumer never exits: await this.consumer.disconnect()`,
        ).toBe(true);
      },
    },
    {
      name: 'a restart in the same group receives only new transactions',
      step: 1,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const [old, fresh] = [sample(15, 306), sample(15, 307)];
        const {
          topic,
          groupId,
          run: first,
        } = await startedOn(lesson, ctx, old, { fromBeginning: true, label: 'monitor-1' });
        await first.until(
          () => first.seen.length >= old.length,
          `all ${old.length} transactions to reach the first run`,
          () => `${first.seen.length} arrived`,
        );
        await stopped(first);

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
        await stopped(second);
        const repeated = second.ids().filter((id) => !freshIds.has(id));
        expect(
          repeated,
          `the restarted consumer processed ${repeated.length} transactions again that the first run had already processed (${list(repeated)}). It should resume at the offsets the group committed: same groupId (options.groupId) for both runs, and the first run commits when it stops`,
        ).toEqual([]);
      },
    },
    {
      name: 'stop() in mid-stream commits exactly what onTransaction finished, never more, and a restart picks up right there',
      step: 2,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        ctx.onCleanup(() => release());
        let held: Where | undefined;
        const sent = sample(30, 308);
        // partition 0's transaction at offset 4 is held in onTransaction until stop() has been called:
        // a stop in the middle of a batch, with one transaction still being processed
        const {
          topic,
          groupId,
          run: first,
        } = await startedOn(lesson, ctx, sent, {
          fromBeginning: true,
          label: 'monitor-1',
          beforeSeen: async (_tx, _index, where) => {
            if (held || where.partition !== 0 || String(where.offset) !== '4') return;
            held = where;
            await gate;
          },
        });
        // every commit is compared with what onTransaction had finished when the broker stored it
        const tooEarly: string[] = [];
        first.watch.onCommit((commits) => {
          for (const { partition, offset } of commits) {
            const finished = finishedPrefix(first.seen, partition);
            if (offset > finished)
              tooEarly.push(
                `kafkajs committed offset ${offset} on partition ${partition} while onTransaction had finished only the first ${finished} of those messages`,
              );
          }
        });
        await first.until(
          () => held !== undefined,
          'the transaction at partition 0, offset 4 to reach onTransaction',
          () => `${first.seen.length} arrived`,
        );
        // a consumer that does not wait for onTransaction finishes its batch and commits it at once;
        // one that waits stays where it is. Give the first kind a moment to show itself, no more:
        // kafkajs goes from one message to the next without a round trip to the broker (its first
        // heartbeat is due 3 s after joining), so it has moved on before the next turn of the event loop
        const batchEnded = await becomesTrue(() => (first.watch.batchesEnded.get(0) ?? 0) > 0, MOVE_ON_MS);
        if (batchEnded) await becomesTrue(() => tooEarly.length > 0, CONSUMER_WAIT_MS);
        const stopping = stopped(first);
        release();
        await stopping;
        expect(
          tooEarly,
          `${tooEarly[0]}: a crash at that moment loses the transaction still in onTransaction. kafkajs commits a message once the promise of eachMessage resolves: return (or await) this.handle(...) in eachMessage, and await options.onTransaction in record()`,
        ).toEqual([]);

        const committed = await ctx.committedOffsets(groupId, topic);
        for (let partition = 0; partition < PARTITIONS; partition++) {
          // a partition with nothing processed may have no commit at all: it starts from the beginning either way
          const resumeAt = Math.max(committed.get(partition) ?? -1, 0);
          const done = finishedPrefix(first.seen, partition);
          expect(
            resumeAt,
            resumeAt > done
              ? `partition ${partition}: committed offset ${resumeAt}, but only the messages before offset ${done} were processed. A crash now would lose ${resumeAt - done} transactions: mark a message done only after processing it`
              : `partition ${partition}: committed offset ${resumeAt}, but the messages before offset ${done} were processed: a restart would repeat ${done - resumeAt} of them. Stop with consumer.disconnect(), which commits what was processed`,
          ).toBe(done);
        }

        const second = consumerRun(lesson, ctx, topic, { groupId, fromBeginning: true, label: 'monitor-2' });
        await second.consumer.start();
        const total = () => first.seen.length + second.seen.length;
        await second.until(
          () => total() >= sent.length,
          `the restart to process the remaining ${sent.length - first.seen.length} transactions`,
          () => `${second.seen.length} arrived`,
        );
        await stopped(second);
        const all = [...first.ids(), ...second.ids()];
        const twice = all.filter((id, i) => all.indexOf(id) !== i);
        expect(twice, `these transactions were processed by both runs: ${list(twice)}`).toEqual([]);
        const missing = sent.map((tx) => tx.transaction_id).filter((id) => !all.includes(id));
        expect(missing, `between them, the two runs never processed ${list(missing)}`).toEqual([]);
      },
    },
    {
      name: 'two consumers in one group split the partitions and process each transaction once',
      step: 1,
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
            lastSeen: () =>
              runs.map((run, i) => `consumer ${'ab'[i]} has [${run.watch.assigned?.join(', ') ?? ''}]`).join(', '),
            likelyCause: 'the two consumers are not in one group: both must use options.groupId',
          },
        );

        const sent = sample(30, 309);
        await sendTransactions(ctx, topic, sent, PARTITIONS);
        const total = () => runs[0].seen.length + runs[1].seen.length;
        await waitFor(
          () => (total() >= sent.length ? true : (runs[0].watch.failIfCrashed() ?? runs[1].watch.failIfCrashed())),
          {
            timeoutMs: CONSUMER_WAIT_MS,
            expected: `the two consumers to process all ${sent.length} transactions between them`,
            lastSeen: () => `${total()} processed`,
            likelyCause: HANDS_OVER_EVERY_MESSAGE,
          },
        );
        await Promise.all(runs.map((run) => stopped(run)));
        runs.forEach((run, i) => {
          const strays = [
            ...new Set(
              run.seen.filter((s) => !run.watch.assigned!.includes(s.where.partition)).map((s) => s.where.partition),
            ),
          ];
          expect(
            strays,
            `consumer ${'ab'[i]} processed messages of partition ${strays.join(', ')}, which the group gave to the other one: pass on the partition each message came from`,
          ).toEqual([]);
        });
        const all = [...runs[0].ids(), ...runs[1].ids()];
        const twice = all.filter((id, i) => all.indexOf(id) !== i);
        expect(twice, `these transactions were processed by both consumers: ${list(twice)}`).toEqual([]);
        expect(
          all.length,
          `between them, the two consumers processed ${all.length} transactions of the ${sent.length} sent: each one once`,
        ).toBe(sent.length);
      },
    },
    {
      name: 'a malformed message is counted and skipped, never fatal',
      step: 3,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const groupId = ctx.name('transaction-monitor');
        const run = consumerRun(lesson, ctx, topic, { groupId, fromBeginning: true });
        await ctx.createTopic('transactions', 1);
        const valid = sample(8, 310);
        const poison = ['not json at all', JSON.stringify({ account: 1234, amount: 'lots' }), null];
        // one partition, so each malformed message stands in front of valid ones
        const values = [
          valid[0],
          valid[1],
          poison[0],
          valid[2],
          valid[3],
          poison[1],
          valid[4],
          poison[2],
          valid[5],
          valid[6],
          valid[7],
        ];
        await sendMessages(
          ctx,
          topic,
          values.map((value) => ({
            key: null,
            value: value === null ? null : typeof value === 'string' ? value : JSON.stringify(value),
          })),
        );
        await run.consumer.start();
        const skipHint =
          'Catch the MalformedTransactionError from decodeTransaction, count it in malformedCount, call options.onMalformed, and return normally';
        await run
          .until(
            () => run.consumer.processedCount >= valid.length && run.malformed.length >= poison.length,
            `${valid.length} valid transactions processed and ${poison.length} malformed ones reported`,
            () =>
              `processedCount ${run.consumer.processedCount}, malformedCount ${run.consumer.malformedCount}, onMalformed called ${run.malformed.length} times`,
            skipHint,
          )
          .catch((error: Error) => {
            throw /crashed/.test(error.message)
              ? new Error(`${error.message}. A malformed message must never stop the consumer. ${skipHint}`)
              : error;
          });
        await stopped(run);
        const offsets = run.malformed.map((m) => String(m.where.offset));
        expect(
          offsets,
          `onMalformed was told of offsets [${offsets.join(', ')}], but the malformed messages are at offsets 2, 5 and 7: pass it the position the message came from`,
        ).toEqual(['2', '5', '7']);
        expect(
          run.malformed.every((m) => m.error instanceof Error),
          'onMalformed should get the MalformedTransactionError that decodeTransaction threw',
        ).toBe(true);
        expect(
          run.consumer.malformedCount,
          `malformedCount is ${run.consumer.malformedCount} for ${poison.length} malformed messages: add 1 for each, once`,
        ).toBe(poison.length);
        expect(
          run.consumer.processedCount,
          `processedCount is ${run.consumer.processedCount}, but only ${valid.length} of the messages are valid transactions: count a transaction in record(), not in handle()`,
        ).toBe(valid.length);
        expect(
          JSON.stringify(run.consumer.statistics()),
          'the statistics include the malformed messages: only valid transactions go to this.stats (record())',
        ).toBe(JSON.stringify(statisticsOf(valid)));
        const committed = (await ctx.committedOffsets(groupId, topic)).get(0) ?? -1;
        expect(
          committed,
          `after stop(), the committed offset is ${committed}, not ${values.length}: the skipped messages must be committed too, or every restart meets them again. handle() returns normally after a malformed message`,
        ).toBe(values.length);
      },
    },
    {
      name: 'an error thrown by onTransaction is not a malformed message: the transaction is retried, never skipped',
      step: 3,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const sent = sample(12, 312);
        const unlucky = sent[4]!;
        let failures = 0;
        // the monitor's onTransaction fails once for one transaction, as a real one might (a full disk, a lost connection)
        const { run } = await startedOn(lesson, ctx, sent, {
          fromBeginning: true,
          beforeSeen: async (tx) => {
            if (tx.transaction_id !== unlucky.transaction_id || failures > 0) return;
            failures += 1;
            throw new Error(`the screen is busy, try ${tx.transaction_id} again later`);
          },
        });
        await run.until(
          () => failures > 0 && run.ids().includes(unlucky.transaction_id),
          `${unlucky.transaction_id}, whose onTransaction failed once, to be processed again`,
          () =>
            `onTransaction failed ${failures} time(s); malformedCount is ${run.consumer.malformedCount}, ${run.seen.length} transactions processed`,
          () =>
            run.consumer.malformedCount > 0
              ? 'handle() caught the error of onTransaction and counted it as malformed: catch only a MalformedTransactionError, and throw any other error again'
              : 'the error of onTransaction was swallowed: let it out of handle() (and eachMessage), so that kafkajs retries the message',
        );
        await stopped(run);
        expect(
          run.malformed.map((m) => m.error.message),
          `onMalformed was told of an error that was not a malformed message: only a MalformedTransactionError makes a message malformed. Throw every other error again, so kafkajs retries the message`,
        ).toEqual([]);
        expect(
          run.consumer.malformedCount,
          'malformedCount counts the failure of onTransaction: only a MalformedTransactionError makes a message malformed, throw every other error again',
        ).toBe(0);
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'no-default-group',
      rejectedBy: "without a group id, the consumer joins the monitors' group, DEFAULT_GROUP_ID",
      teaches: /made without options\.groupId, the consumer got no group id at all .*fall back to DEFAULT_GROUP_ID/,
    },
    {
      fixture: 'forgets-from-beginning',
      rejectedBy: 'reads every transaction on the topic exactly once, from the beginning',
      teaches: /got none of the transactions already on the topic.*fromBeginning: true/,
    },
    {
      fixture: 'always-from-beginning',
      rejectedBy: 'starts at the end of the topic when fromBeginning is not given',
      teaches: /before it started.*pass options\.fromBeginning through/,
    },
    {
      fixture: 'from-beginning-by-default',
      rejectedBy: 'starts at the end of the topic when fromBeginning is not given',
      teaches: /without options\.fromBeginning, the consumer processed 12 transactions.*never true by default/,
    },
    {
      fixture: 'never-commits',
      rejectedBy: 'stop() commits what was processed, leaves the group and closes its connections',
      teaches: /no committed offset on partition \d.*process them all again/,
    },
    {
      fixture: 'stops-without-disconnect',
      rejectedBy: 'stop() commits what was processed, leaves the group and closes its connections',
      teaches:
        /stop\(\) stopped the kafkajs consumer but did not disconnect it.*never exits.*await this\.consumer\.disconnect\(\)/,
    },
    {
      fixture: 'stop-without-await',
      rejectedBy: 'stop() commits what was processed, leaves the group and closes its connections',
      teaches: /stop\(\) returned before the consumer had disconnected: await this\.consumer\.disconnect\(\)/,
    },
    {
      fixture: 'unique-group-per-consumer',
      rejectedBy: 'a restart in the same group receives only new transactions',
      teaches: /processed 15 transactions again.*same groupId/,
    },
    {
      fixture: 'unique-group-per-consumer',
      rejectedBy: 'two consumers in one group split the partitions and process each transaction once',
      teaches: /join the same group: use options\.groupId/,
    },
    {
      fixture: 'resolves-batch-before-processing',
      rejectedBy:
        'stop() in mid-stream commits exactly what onTransaction finished, never more, and a restart picks up right there',
      teaches:
        /committed offset \d+ on partition 0 while onTransaction had finished only the first \d of those messages/,
    },
    {
      fixture: 'handle-not-awaited',
      rejectedBy:
        'stop() in mid-stream commits exactly what onTransaction finished, never more, and a restart picks up right there',
      teaches:
        /committed offset \d+ on partition 0 while onTransaction had finished only.*return \(or await\) this\.handle/,
    },
    {
      fixture: 'record-without-await',
      rejectedBy:
        'stop() in mid-stream commits exactly what onTransaction finished, never more, and a restart picks up right there',
      teaches:
        /committed offset \d+ on partition 0 while onTransaction had finished only.*await options\.onTransaction in record\(\)/,
    },
    {
      fixture: 'calls-missing-on-transaction',
      rejectedBy: 'keeps the real-time statistics exactly',
      teaches: /made without onTransaction\. options\.onTransaction is optional, call it with \?\.\(\)/,
    },
    {
      fixture: 'calls-missing-on-malformed',
      rejectedBy: 'keeps the real-time statistics exactly',
      teaches: /made without onMalformed\. options\.onMalformed is optional, call it with \?\.\(\)/,
    },
    {
      fixture: 'throws-on-malformed',
      rejectedBy: 'a malformed message is counted and skipped, never fatal',
      teaches: /must never stop the consumer|Catch the MalformedTransactionError/,
    },
    {
      fixture: 'catches-every-error',
      rejectedBy:
        'an error thrown by onTransaction is not a malformed message: the transaction is retried, never skipped',
      teaches: /counted it as malformed: catch only a MalformedTransactionError, and throw any other error again/,
    },
  ],
  correctVariants: ['partitions-concurrently', 'each-batch', 'kafkajs-default-timings'],
});

registerLesson(lesson03);
