import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { encodeTransaction } from '../bank/codec.ts';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Lesson from '../solutions/05-offsets-and-replay/offsets.ts';
import { commitGroupOffsets } from '../workshop/group-offsets.ts';
import type { CheckContext } from './support/context.ts';
import { asError, defineLesson, registerLesson } from './support/lesson-checks.ts';
import { sendMessages } from './support/produce.ts';
import { afterLearnerReadsEndOffsets, clientsStillConnected } from './support/tracked-kafkajs.ts';
import { waitFor, within } from './support/wait.ts';

type Lesson05 = typeof Lesson;
type PartitionLag = Lesson.PartitionLag;

const RESET_TIMEOUT_MS = 20_000;

/** A minute ago: old enough that every check message is "history", recent enough to be kept. */
const HISTORY_START = () => Date.now() - 60_000;

/**
 * Writes `counts[p]` transactions to each partition p, stamped one second apart from `start`;
 * `index` is a message's place among those this call wrote to its partition.
 */
async function produceHistory(ctx: CheckContext, topic: string, counts: readonly number[], start = HISTORY_START()) {
  const stamped: Array<{ partition: number; index: number; timestamp: number; tx: Transaction }> = [];
  const txs = generateTransactions(
    counts.reduce((a, b) => a + b, 0),
    { seed: randomBytes(4).readUInt32BE() },
  );
  counts.forEach((count, partition) => {
    for (let index = 0; index < count; index++) {
      const timestamp = start + index * 1000;
      const tx = { ...txs[stamped.length]!, timestamp: new Date(timestamp).toISOString() };
      stamped.push({ partition, index, timestamp, tx });
    }
  });
  await sendMessages(
    ctx,
    topic,
    stamped.map(({ partition, timestamp, tx }) => ({
      partition,
      key: String(tx.account),
      value: encodeTransaction(tx),
      timestamp: String(timestamp),
    })),
  );
  return stamped;
}

/** Removes the oldest messages of a partition, as retention would: its earliest offset becomes `before`. */
async function expireOldest(ctx: CheckContext, topic: string, partition: number, before: number) {
  const admin = await ctx.admin();
  // kafkajs looks up the partition leaders before loading the topic's metadata: load it first
  await admin.fetchTopicOffsets(topic);
  await admin.deleteTopicRecords({ topic, partitions: [{ partition, offset: String(before) }] });
}

/**
 * A group that really consumed: it reads the topic and commits, message by message, until it
 * has processed `targets[p]` messages of partition p, then stops.
 */
async function consumeUpTo(ctx: CheckContext, groupId: string, topic: string, targets: readonly number[]) {
  const consumer = ctx.kafka('check-consumer').consumer({ groupId, maxWaitTimeInMs: 50 });
  const committed = targets.map(() => 0);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const next = Number(message.offset) + 1;
        if (next > (targets[partition] ?? 0)) return;
        await consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
        committed[partition] = next;
      },
    });
    await waitFor(() => (targets.every((target, p) => target === 0 || committed[p]! >= target) ? true : undefined), {
      expected: `the check's consumer to commit ${targets.join(', ')} on the partitions`,
      lastSeen: () => committed.join(', '),
      likelyCause: 'the broker is overloaded or restarting; run the check again',
    });
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Starts a consumer in `groupId` with kafkajs's default fromBeginning: false, so it goes by the
 * group's committed offsets alone, and collects what it reads until every partition is
 * read to its end offset. A consumer positioned at the end gets only empty fetches: after a few
 * of those in a row it has nothing more to read, and the check stops waiting.
 */
async function readAsGroup(
  ctx: CheckContext,
  groupId: string,
  topic: string,
): Promise<Array<{ partition: number; offset: number; tx: string }>> {
  const ends = await ctx.endOffsets(topic);
  const committed = await ctx.committedOffsets(groupId, topic);
  const waitingFor = new Set([...ends].filter(([p, end]) => (committed.get(p) ?? -1) < end).map(([p]) => p));
  const read: Array<{ partition: number; offset: number; tx: string }> = [];
  const consumer = ctx.kafka('check-group-reader').consumer({ groupId, maxWaitTimeInMs: 50 });
  let joined = false;
  let emptyFetches = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  consumer.on(consumer.events.FETCH, () => (emptyFetches += joined ? 1 : 0));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        emptyFetches = 0;
        const offset = Number(message.offset);
        read.push({
          partition,
          offset,
          tx: (JSON.parse(message.value!.toString('utf8')) as Transaction).transaction_id,
        });
        if (offset + 1 >= (ends.get(partition) ?? 0)) waitingFor.delete(partition);
      },
    });
    await waitFor(() => (waitingFor.size === 0 || emptyFetches >= 3 ? true : undefined), {
      timeoutMs: 5000,
      expected: 'the group to read to the end',
      likelyCause: 'the group starts before the offsets your reset gave it',
    }).catch(() => undefined);
  } finally {
    await consumer.disconnect();
  }
  return read;
}

const REPLAY_TIMEOUT_MS = 6000;

/** The learner's replaySince(), bounded, with kafkajs's words for a seek made too early told in the lesson's. */
async function replay(lesson: Lesson05, options: Lesson.ReplayOptions): Promise<Transaction[]> {
  return within(
    lesson.replaySince(options).catch((thrown: unknown) => {
      const error = asError(thrown);
      if (/consumer#run must be called first/.test(error.message)) {
        throw new Error(
          `replaySince() failed with kafkajs's "${error.message}": consumer.seek() works only once the consumer runs. Seek each partition after await consumer.run(…), where the stub says so`,
        );
      }
      throw error;
    }),
    REPLAY_TIMEOUT_MS,
    `replaySince() did not return within ${REPLAY_TIMEOUT_MS / 1000} s: its consumer is still waiting to read some partition up to its end. A consumer of a fresh group starts at the end of the topic, where nothing more comes: seek each partition to its start (consumer.seek({ topic, partition, offset })) once run() has started`,
  );
}

function describeLag(lags: readonly PartitionLag[]): string {
  return lags
    .map((l) => `partition ${l.partition}: end ${l.endOffset}, committed ${l.committedOffset}, lag ${l.lag}`)
    .join('; ');
}

/** Turns a wrong lag into the lesson it teaches; `hint` is a likely cause the check's setup adds. */
function lagMistake(got: PartitionLag | undefined, want: PartitionLag, low: number, hint: string): string {
  if (got && want.committedOffset === 0 && got.committedOffset === low && low > 0) {
    return `partition ${want.partition} should be end ${want.endOffset} − committed 0 = lag ${want.lag}; you said committed ${got.committedOffset}, lag ${got.lag}. The group committed offset 0 there: 0 is a real commit (only -1 means "never committed"), and it stays the committed offset after retention removed the messages below ${low}. Test commit >= 0, not commit > 0 or commit || low. Kafka's own kafka-consumer-groups.sh shows the same: CURRENT-OFFSET 0, LAG ${want.lag}`;
  }
  return commonLagMistake(got, want, low) + hint;
}

function commonLagMistake(got: PartitionLag | undefined, want: PartitionLag, low: number): string {
  const where = `partition ${want.partition} should be end ${want.endOffset} − committed ${want.committedOffset} = lag ${want.lag}`;
  if (!got)
    return `${where}, but consumerLag() left partition ${want.partition} out: report every partition of the topic, committed or not`;
  const said = `you said end ${got.endOffset}, committed ${got.committedOffset}, lag ${got.lag}`;
  const notNumbers = (['endOffset', 'committedOffset', 'lag'] as const).filter(
    (field) => typeof got[field] !== 'number',
  );
  if (notNumbers.length > 0) {
    return `${where}; ${said}, but ${notNumbers.join(' and ')} ${notNumbers.length === 1 ? 'is not a number' : 'are not numbers'}. kafkajs gives offsets as strings (here "${String(got[notNumbers[0]!])}"): turn each into a number with Number(…)`;
  }
  if (got.endOffset !== want.endOffset) {
    return `${where}; ${said}. The end offset is the partition's high watermark (fetchTopicOffsets → high), one past its last message`;
  }
  if (got.committedOffset !== want.committedOffset && want.committedOffset === low && low > 0) {
    return `${where}; ${said}. The group never committed on partition ${want.partition} (fetchOffsets says -1), so it would start at the earliest message still kept: the low watermark ${low}, not 0 (older messages were deleted)`;
  }
  if (got.committedOffset !== want.committedOffset) {
    return `${where}; ${said}. The committed offset comes from admin.fetchOffsets for the group; -1 means "never committed"`;
  }
  if (got.lag === want.lag - 1) {
    return `${where}; ${said}. A committed offset is the NEXT offset the group will read, not the last one it read: lag is simply end − committed`;
  }
  return `${where}; ${said}`;
}

async function expectLag(
  lesson: Lesson05,
  ctx: CheckContext,
  groupId: string,
  topic: string,
  want: PartitionLag[],
  lows: readonly number[],
  /** Said after the mistake, when the setup points at a likely cause of its own. */
  hint = '',
) {
  const got = await lesson.consumerLag(await ctx.admin(), groupId, topic);
  expect(Array.isArray(got), 'consumerLag() should return an array with one entry per partition').toBe(true);
  for (const expected of want) {
    const found = got.find((l) => l.partition === expected.partition);
    expect(found, lagMistake(found, expected, lows[expected.partition] ?? 0, hint)).toEqual(expected);
  }
  expect(
    got.map((l) => l.partition),
    `consumerLag() should list each partition once, in partition order; it returned ${describeLag(got)}`,
  ).toEqual(want.map((l) => l.partition));
}

/** Once one of the lesson's functions has returned, every client it connected is disconnected. */
function expectNothingLeftConnected(ctx: CheckContext, call: string) {
  const open = clientsStillConnected(ctx.runId).map(({ kind }) => kind);
  expect(
    open,
    `${call} returned with ${open.length === 1 ? `its ${open[0]} client` : `${open.length} clients (${open.join(', ')})`} still connected. An open connection keeps a program such as npm run offsets from exiting: disconnect every client you connect, in a finally (as withAdmin() does)`,
  ).toEqual([]);
}

function idsOf(stamped: ReadonlyArray<{ tx: Transaction }>): string[] {
  return stamped.map(({ tx }) => tx.transaction_id);
}

/** Where a group stands right after a reset, before any consumer of it can move it. */
async function positionsAfterReset(ctx: CheckContext, groupId: string, topic: string) {
  const offsets = await (await ctx.admin()).fetchTopicOffsets(topic);
  return {
    committed: await ctx.committedOffsets(groupId, topic),
    lows: new Map(offsets.map((o) => [o.partition, Number(o.low)])),
    ends: new Map(offsets.map((o) => [o.partition, Number(o.high)])),
  };
}

/** Why a reset group might not re-read what it should, from its committed offsets. */
function resetMistake({ committed, lows, ends }: Awaited<ReturnType<typeof positionsAfterReset>>): string {
  if ([...committed.values()].some((o) => o < 0)) {
    return ' A committed offset of -2 or -1 is not a position: it is the "earliest"/"latest" sentinel that kafkajs\'s admin.resetOffsets writes. A kafkajs consumer treats it as "no commit" and starts wherever its own fromBeginning says: with the default (false), at the end of the topic. Commit real offsets instead.';
  }
  if (
    ends.size > 0 &&
    [...committed].every(([p, o]) => o === ends.get(p)) &&
    [...ends].some(([p, end]) => end > (lows.get(p) ?? 0))
  ) {
    return ' Those are the end offsets (high): a group there reads only messages that arrive later. Commit the offsets the reset asks for.';
  }
  const gone = [...committed].find(([p, o]) => o < (lows.get(p) ?? 0));
  if (gone) {
    const [p, o] = gone;
    return ` Offset ${o} is no longer on partition ${p}: its earliest message is at ${lows.get(p)} (retention deleted the older ones). A consumer whose offset is out of range falls back to its own fromBeginning: with the default (false), the end of the topic. Commit each partition's low watermark.`;
  }
  return '';
}

/** What a reset group must re-read: exactly `expected`, each once. */
function expectReread(
  read: Array<{ partition: number; offset: number; tx: string }>,
  expected: string[],
  after: Awaited<ReturnType<typeof positionsAfterReset>>,
  what: string,
) {
  const ids = read.map((r) => r.tx);
  const missing = expected.filter((id) => !ids.includes(id));
  const extra = ids.filter((id) => !expected.includes(id));
  const commits = [...after.committed].map(([p, o]) => `partition ${p}: ${o}`).join(', ');
  expect(
    missing,
    `after ${what} the group should re-read ${expected.length} message(s) but missed ${missing.length} of them (its committed offsets are ${commits}).${resetMistake(after)}`,
  ).toEqual([]);
  const fromTheStart =
    extra.length > 0 && [...after.committed].every(([p, o]) => o === (after.lows.get(p) ?? 0))
      ? ' Those are the earliest offsets (low), as if the moment were long ago: for a point in time, ask fetchTopicOffsetsByTimestamp(topic, timestamp), with the timestamp in milliseconds'
      : '';
  expect(
    extra,
    `after ${what} the group re-read ${extra.length} message(s) it should not have (its committed offsets are ${commits}): ${extra.slice(0, 5).join(', ')}.${fromTheStart}`,
  ).toEqual([]);
  expect(ids.length, `the group read some messages twice: ${ids.length} reads for ${expected.length} messages`).toBe(
    expected.length,
  );
}

export const lesson05 = defineLesson<Lesson05>({
  id: 'lesson-05',
  checks: [
    {
      name: 'consumerLag() matches what was produced and consumed, exactly',
      step: 1,
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions', 3);
        const groupId = ctx.name('lag-group');
        await expectLag(
          lesson,
          ctx,
          groupId,
          topic,
          [0, 1, 2].map((partition) => ({ partition, endOffset: 0, committedOffset: 0, lag: 0 })),
          [0, 0, 0],
        );
        // different on every run: a lag table typed in by hand cannot pass
        const counts = [4 + randomInt(4), 6 + randomInt(4), 5 + randomInt(4)];
        await produceHistory(ctx, topic, counts);
        // partition 2 loses its two oldest messages to "retention"; the group never reads there
        await expireOldest(ctx, topic, 2, 2);
        const readOnPartition1 = 2 + randomInt(3);
        await consumeUpTo(ctx, groupId, topic, [counts[0]!, readOnPartition1, 0]);
        const lows = [0, 0, 2];
        const want = (extraOn0: number): PartitionLag[] => [
          { partition: 0, endOffset: counts[0]! + extraOn0, committedOffset: counts[0]!, lag: extraOn0 },
          {
            partition: 1,
            endOffset: counts[1]!,
            committedOffset: readOnPartition1,
            lag: counts[1]! - readOnPartition1,
          },
          { partition: 2, endOffset: counts[2]!, committedOffset: 2, lag: counts[2]! - 2 },
        ];
        await expectLag(lesson, ctx, groupId, topic, want(0), lows);
        // three new messages on partition 0: its lag must follow
        await produceHistory(ctx, topic, [3], Date.now());
        await expectLag(lesson, ctx, groupId, topic, want(3), lows);

        // the group now has commits on a second topic too: each topic's lag must be its own
        const other = await ctx.createTopic('other', 3);
        await produceHistory(ctx, other, [4, 4, 4]);
        // a commit of 0 is a commit too, even once retention has removed the message at offset 0
        const otherCommits = [0, 3, 2];
        await commitGroupOffsets(
          ctx.connection('check-commits'),
          groupId,
          other,
          otherCommits.map((offset, partition) => ({ partition, offset: String(offset) })),
        );
        await expireOldest(ctx, other, 0, 1);
        const twoTopics = `. The group has committed offsets on two topics now, ${topic} and ${other}: ask admin.fetchOffsets for the one topic you were given (topics: [topic]) and use that topic's entry`;
        const otherWant = otherCommits.map((committed, partition) => ({
          partition,
          endOffset: 4,
          committedOffset: committed,
          lag: 4 - committed,
        }));
        await expectLag(lesson, ctx, groupId, other, otherWant, [1, 0, 0], twoTopics);
        await expectLag(lesson, ctx, groupId, topic, want(3), lows, twoTopics);
      },
    },
    {
      // kafkajs's own admin.setOffsets is a correct answer too, but takes 5 s a call: leave it room
      timeoutMs: RESET_TIMEOUT_MS,
      name: 'resetToEarliest() makes a stopped group re-read everything still on the topic',
      step: 2,
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions', 2);
        const groupId = ctx.name('reset-group');
        // a group on an empty topic can be reset too: there is simply nothing to re-read
        await lesson.resetToEarliest(ctx.connection(), groupId, topic);
        expectNothingLeftConnected(ctx, 'resetToEarliest()');
        const stamped = await produceHistory(ctx, topic, [4, 6]);
        await expireOldest(ctx, topic, 1, 2);
        const ends = await ctx.endOffsets(topic);
        await commitGroupOffsets(
          ctx.connection('check-setup'),
          groupId,
          topic,
          [...ends].map(([partition, end]) => ({ partition, offset: String(end) })),
        );

        await lesson.resetToEarliest(ctx.connection(), groupId, topic);
        expectNothingLeftConnected(ctx, 'resetToEarliest()');

        const after = await positionsAfterReset(ctx, groupId, topic);
        const kept = stamped.filter(({ partition, index }) => partition !== 1 || index >= 2);
        expectReread(await readAsGroup(ctx, groupId, topic), idsOf(kept), after, 'resetToEarliest()');
      },
    },
    {
      timeoutMs: RESET_TIMEOUT_MS,
      name: 'resetToTimestamp() makes a stopped group re-read exactly the messages at or after the timestamp',
      step: 3,
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions', 3);
        const groupId = ctx.name('reset-group');
        const start = HISTORY_START();
        await lesson.resetToTimestamp(ctx.connection(), groupId, topic, start);
        // partition 0 straddles the timestamp, partition 1 is all older, partition 2 all newer
        const stamped = await produceHistory(ctx, topic, [8, 3, 0], start);
        const later = await produceHistory(ctx, topic, [0, 0, 3], start + 30_000);
        const since = start + 4000; // exactly the stamp of partition 0's fifth message
        const ends = await ctx.endOffsets(topic);
        await commitGroupOffsets(
          ctx.connection('check-setup'),
          groupId,
          topic,
          [...ends].map(([partition, end]) => ({ partition, offset: String(end) })),
        );

        await lesson.resetToTimestamp(ctx.connection(), groupId, topic, since);
        expectNothingLeftConnected(ctx, 'resetToTimestamp()');

        const after = await positionsAfterReset(ctx, groupId, topic);
        const expected = [...stamped, ...later].filter(({ timestamp }) => timestamp >= since);
        expectReread(await readAsGroup(ctx, groupId, topic), idsOf(expected), after, `resetToTimestamp(…, ${since})`);
      },
    },
    {
      name: 'replaySince() returns exactly the transactions stamped at or after the timestamp',
      step: 4,
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions', 3);
        const start = HISTORY_START();
        const onEmpty = await replay(lesson, {
          connection: ctx.connection(),
          topic,
          groupId: ctx.name('replay-empty'),
          since: start,
        });
        expect(onEmpty, 'a replay of an empty topic should return no transactions (and return at once)').toEqual([]);
        const stamped = [
          ...(await produceHistory(ctx, topic, [7, 2, 0], start)),
          ...(await produceHistory(ctx, topic, [0, 0, 4], start + 20_000)),
        ];
        const since = start + 3000; // the stamp of partition 0's fourth message

        // new transactions arrive on every partition the moment the replay has read where the
        // partitions end: they are not history, and a replay that read them would never end on a live topic
        let arrivedDuringReplay: Awaited<ReturnType<typeof produceHistory>> = [];
        const stopArriving = afterLearnerReadsEndOffsets(ctx.runId, async (readTopic) => {
          if (readTopic === topic && arrivedDuringReplay.length === 0)
            arrivedDuringReplay = await produceHistory(ctx, topic, [2, 2, 2], Date.now());
        });
        const replayed = await replay(lesson, {
          connection: ctx.connection(),
          topic,
          groupId: ctx.name('replay'),
          since,
        }).finally(stopArriving);

        expect(Array.isArray(replayed), 'replaySince() should return the replayed transactions as an array').toBe(true);
        const ids = replayed.map((tx) => tx.transaction_id);
        const expected = stamped.filter(({ timestamp }) => timestamp >= since);
        const atTheStamp = stamped.find(({ timestamp }) => timestamp === since)!.tx.transaction_id;
        expect(
          ids,
          `${atTheStamp} is stamped exactly at the timestamp and belongs to the replay: "at or after" includes it. fetchTopicOffsetsByTimestamp gives the first offset stamped at or after`,
        ).toContain(atTheStamp);
        const older = stamped.filter(({ timestamp, tx }) => timestamp < since && ids.includes(tx.transaction_id));
        expect(
          older.length,
          `replaySince() returned ${older.length} transaction(s) stamped before the timestamp: seek each partition to the offset for the timestamp, not to the beginning`,
        ).toBe(0);
        const tooNew = arrivedDuringReplay.filter(({ tx }) => ids.includes(tx.transaction_id));
        expect(
          tooNew.map(({ partition, tx }) => `partition ${partition}: ${tx.transaction_id}`),
          `replaySince() returned ${tooNew.length} transaction(s) written after it had read where each partition ends: a replay reads history up to those end offsets and skips any offset at or past them, or on a live topic it never ends`,
        ).toEqual([]);
        const missing = expected.filter(({ tx }) => !ids.includes(tx.transaction_id));
        expect(
          missing.map((m) => `partition ${m.partition}: ${m.tx.transaction_id}`),
          'replaySince() missed transactions stamped after the timestamp: seek every partition, and read each to its end offset',
        ).toEqual([]);
        expect(
          ids.length,
          `replaySince() returned ${ids.length} transactions for ${expected.length}: some came twice`,
        ).toBe(expected.length);
        expect(
          ids,
          'replaySince() should return the transactions partition by partition, each partition in offset order',
        ).toEqual(expected.map(({ tx }) => tx.transaction_id));
        expect(replayed, 'the replayed transactions differ from what was written: decode each message value').toEqual(
          expected.map(({ tx }) => tx),
        );

        // a replay reads history; it must leave no trace in any group
        const replayGroup = ctx.name('replay');
        const commits = [...(await ctx.committedOffsets(replayGroup, topic))].filter(([, offset]) => offset >= 0);
        expect(
          commits.map(([partition, offset]) => `partition ${partition}: ${offset}`),
          'the replay committed offsets for its group: run its consumer with autoCommit: false, so a replay moves no group',
        ).toEqual([]);
        const {
          groups: [group],
        } = await (await ctx.admin()).describeGroups([replayGroup]);
        expect(
          group?.members.length ?? 0,
          'the replay consumer is still in its group after replaySince() returned: disconnect it in a finally, once every partition is read',
        ).toBe(0);
        expectNothingLeftConnected(ctx, 'replaySince()');
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'lag-off-by-one',
      rejectedBy: 'consumerLag() matches what was produced and consumed, exactly',
      teaches: /NEXT offset the group will read/,
    },
    {
      fixture: 'lag-counts-from-zero',
      rejectedBy: 'consumerLag() matches what was produced and consumed, exactly',
      teaches: /never committed.*low watermark 2, not 0/,
    },
    {
      fixture: 'reset-with-admin-resetoffsets',
      rejectedBy: 'resetToEarliest() makes a stopped group re-read everything still on the topic',
      teaches: /-2 or -1 is not a position.*Commit real offsets/,
    },
    {
      fixture: 'reset-to-offset-zero',
      rejectedBy: 'resetToEarliest() makes a stopped group re-read everything still on the topic',
      teaches: /Offset 0 is no longer on partition 1.*low watermark/,
    },
    {
      fixture: 'replay-strictly-after',
      rejectedBy: 'replaySince() returns exactly the transactions stamped at or after the timestamp',
      teaches: /"at or after" includes it/,
    },
    {
      fixture: 'replay-from-beginning',
      rejectedBy: 'replaySince() returns exactly the transactions stamped at or after the timestamp',
      teaches: /stamped before the timestamp: seek each partition/,
    },
    {
      fixture: 'lag-all-topics-of-the-group',
      rejectedBy: 'consumerLag() matches what was produced and consumed, exactly',
      teaches: /committed offsets on two topics now.*topics: \[topic\]/,
    },
    {
      fixture: 'lag-offsets-as-strings',
      rejectedBy: 'consumerLag() matches what was produced and consumed, exactly',
      teaches: /endOffset and committedOffset are not numbers\. kafkajs gives offsets as strings.*Number\(…\)/,
    },
    {
      fixture: 'reset-earliest-to-end',
      rejectedBy: 'resetToEarliest() makes a stopped group re-read everything still on the topic',
      teaches: /Those are the end offsets \(high\)/,
    },
    {
      fixture: 'reset-timestamp-in-seconds',
      rejectedBy: 'resetToTimestamp() makes a stopped group re-read exactly the messages at or after the timestamp',
      teaches: /earliest offsets \(low\), as if the moment were long ago.*milliseconds/,
    },
    {
      fixture: 'replay-without-disconnect',
      rejectedBy: 'replaySince() returns exactly the transactions stamped at or after the timestamp',
      teaches: /still in its group after replaySince\(\) returned: disconnect it in a finally/,
    },
    {
      fixture: 'replay-commits',
      rejectedBy: 'replaySince() returns exactly the transactions stamped at or after the timestamp',
      teaches: /committed offsets for its group: run its consumer with autoCommit: false/,
    },
    {
      fixture: 'replay-forgets-seek',
      rejectedBy: 'replaySince() returns exactly the transactions stamped at or after the timestamp',
      teaches: /did not return within 6 s.*starts at the end of the topic.*consumer\.seek/,
    },
    {
      fixture: 'replay-seeks-before-run',
      rejectedBy: 'replaySince() returns exactly the transactions stamped at or after the timestamp',
      teaches: /consumer#run must be called first.*Seek each partition after await consumer\.run/,
    },
    {
      fixture: 'lag-zero-commit-is-no-commit',
      rejectedBy: 'consumerLag() matches what was produced and consumed, exactly',
      teaches: /committed offset 0 there: 0 is a real commit.*commit >= 0/,
    },
    {
      fixture: 'reset-leaves-admin-connected',
      rejectedBy: 'resetToEarliest() makes a stopped group re-read everything still on the topic',
      teaches: /resetToEarliest\(\) returned with its admin client still connected.*in a finally/,
    },
    {
      fixture: 'replay-past-the-end',
      rejectedBy: 'replaySince() returns exactly the transactions stamped at or after the timestamp',
      teaches: /written after it had read where each partition ends.*skips any offset at or past them/,
    },
  ],
  correctVariants: ['admin-set-offsets', 'filter-by-timestamp', 'each-batch-replay'],
});

function randomInt(below: number): number {
  return randomBytes(1)[0]! % below;
}

registerLesson(lesson05);
