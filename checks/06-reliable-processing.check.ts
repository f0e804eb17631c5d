import { expect } from 'vitest';
import { encodeTransaction } from '../bank/codec.ts';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Processor from '../solutions/06-reliable-processing/processor.ts';
import type * as Producer from '../solutions/06-reliable-processing/producer.ts';
import type { CheckContext, ReadMessage } from './support/context.ts';
import { loseFirstProduceAcknowledgement, refuseEveryProduce } from './support/network.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { sendMessages } from './support/produce.ts';
import { waitFor, within } from './support/wait.ts';

type Lesson06 = typeof Producer & typeof Processor;
type ProcessorOptions = Processor.ProcessorOptions;

/** The header names the README promises. */
const HEADERS = { error: 'error.message', attempts: 'error.attempts', topic: 'source.topic', partition: 'source.partition', offset: 'source.offset' };

/** Retries that come quickly, so fault checks take milliseconds; the learner's own settings still win. */
function quickRetries(ctx: CheckContext) {
  return { ...ctx.connection(), retry: { retries: 3, initialRetryTime: 5, maxRetryTime: 20 } };
}

interface Outgoing {
  partition: number;
  key: string;
  value: Buffer | null;
}

/** Writes `messages` in one request and returns each one's offset, in the same order. */
async function produce(ctx: CheckContext, topic: string, messages: readonly Outgoing[]): Promise<number[]> {
  await sendMessages(ctx, topic, messages.map((m) => ({ ...m })));
  const next = new Map<number, number>();
  return messages.map(({ partition }) => {
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    return offset;
  });
}

function asMessages(txs: readonly Transaction[], partitions = 1): Outgoing[] {
  return txs.map((tx, i) => ({ partition: i % partitions, key: String(tx.account), value: Buffer.from(encodeTransaction(tx)) }));
}

/** A topic of transactions, a dead-letter topic, and a group: a fresh set for one scenario. */
async function scenario(ctx: CheckContext, partitions = 1) {
  return {
    topic: await ctx.createTopic('transactions', partitions),
    deadLetterTopic: await ctx.createTopic('dead-letters'),
    groupId: ctx.name('processor'),
  };
}

/** The learner's processor, always stopped after the check. */
function processorFor(lesson: Lesson06, ctx: CheckContext, options: Omit<ProcessorOptions, 'connection'>) {
  const processor = new lesson.ReliableProcessor({ connection: ctx.connection(), retryDelayMs: 1, ...options });
  ctx.onCleanup(() => processor.stop());
  return processor;
}

/** Counts handler calls per transaction, and successes in the order they happened. */
function recorder() {
  const attempts = new Map<string, number>();
  const succeeded: string[] = [];
  return {
    attempts,
    succeeded,
    attempt(tx: Transaction): number {
      const n = (attempts.get(tx.transaction_id) ?? 0) + 1;
      attempts.set(tx.transaction_id, n);
      return n;
    },
  };
}

async function deadLetterCount(ctx: CheckContext, deadLetterTopic: string): Promise<number> {
  return [...(await ctx.endOffsets(deadLetterTopic)).values()].reduce((a, b) => a + b, 0);
}

function header(message: ReadMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  return value === undefined ? undefined : Array.isArray(value) ? String(value[0]) : String(value);
}

function hex(value: Buffer | null): string {
  return value === null ? 'null' : value.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

function expectEachOnce(succeeded: readonly string[], expected: readonly string[], what: string) {
  const missing = expected.filter((id) => !succeeded.includes(id));
  const twice = [...new Set(succeeded.filter((id, i) => succeeded.indexOf(id) !== i))];
  expect(missing, `${what}: ${missing.length} valid transaction(s) were never processed`).toEqual([]);
  expect(twice, `${what}: these transactions were processed more than once`).toEqual([]);
}

/** Waits until the group has committed every message of the topic: each one is finished, one way or another. */
async function untilEverythingIsCommitted(ctx: CheckContext, groupId: string, topic: string, progress: () => string, timeoutMs = 5000) {
  const ends = await ctx.endOffsets(topic);
  let committed = new Map<number, number>();
  await waitFor(
    async () => {
      committed = await ctx.committedOffsets(groupId, topic);
      return [...ends].every(([p, end]) => (committed.get(p) ?? -1) >= end) ? true : undefined;
    },
    {
      timeoutMs,
      expected: `the processor to finish (and commit) all ${[...ends.values()].reduce((a, b) => a + b, 0)} messages`,
      lastSeen: () => `${progress()}; committed ${[...ends.keys()].map((p) => `${committed.get(p) ?? -1} of ${ends.get(p)}`).join(', ')}`,
    },
  );
}

/** Waits until nobody is left in the group: its consumer has committed and said goodbye. */
async function untilGroupIsEmpty(ctx: CheckContext, groupId: string, expected: string) {
  const admin = await ctx.admin();
  let state = 'unknown';
  await waitFor(
    async () => {
      state = (await admin.describeGroups([groupId])).groups[0]?.state ?? 'Dead';
      return state === 'Empty' ? true : undefined;
    },
    { timeoutMs: 3000, expected, lastSeen: () => `the group is still ${state}` },
  );
}

export const lesson06 = defineLesson<Lesson06>({
  id: 'lesson-06',
  slug: '06-reliable-processing',
  files: ['producer.ts', 'processor.ts'],
  checks: [
    {
      name: 'a lost acknowledgement does not store a message twice (idempotent producer)',
      async run(lesson, ctx) {
        const network = loseFirstProduceAcknowledgement();
        const producer = lesson.createReliableProducer({ ...quickRetries(ctx), socketFactory: network.socketFactory });
        ctx.onCleanup(() => producer.disconnect());
        const topic = await ctx.createTopic('transactions');
        await producer.connect();
        const [tx] = generateTransactions(1, { seed: 61 }) as [Transaction];
        await producer.send({ topic, messages: [{ key: String(tx.account), value: encodeTransaction(tx) }] });
        expect(network.produceAttempts, 'the producer did not send through `connection`: create it with new Kafka(connection)').toBeGreaterThanOrEqual(2);
        const copies = (await ctx.readAll(topic)).length;
        expect(
          copies,
          `the broker stored ${copies} copies of one message. Its acknowledgement was lost, so kafkajs sent the batch again. With idempotent: true the broker knows the batch by its producer id and sequence number and stores it once.`,
        ).toBe(1);
      },
    },
    {
      name: 'a send that cannot get through fails after PRODUCER_RETRIES retries',
      timeoutMs: 15_000,
      async run(lesson, ctx) {
        const network = refuseEveryProduce();
        const producer = lesson.createReliableProducer({ ...quickRetries(ctx), socketFactory: network.socketFactory });
        ctx.onCleanup(() => producer.disconnect());
        const retries = lesson.PRODUCER_RETRIES;
        expect(Number.isInteger(retries) && retries >= 1, `PRODUCER_RETRIES should be a whole number of at least 1 (an idempotent producer must be allowed to retry), not ${retries}`).toBe(true);
        const topic = await ctx.createTopic('transactions');
        await producer.connect();
        const outcome = await within(
          producer.send({ topic, messages: [{ value: 'nothing gets through' }] }).then(
            () => 'sent',
            () => 'failed',
          ),
          10_000,
          `the send was still retrying after 10 s (${network.produceAttempts} attempts so far): a producer that retries without end hangs its caller. Give it retry: { retries: PRODUCER_RETRIES }`,
        );
        expect(outcome, 'the send reported success although the network let nothing through').toBe('failed');
        expect(
          network.produceAttempts,
          `kafkajs tried ${network.produceAttempts} times; PRODUCER_RETRIES = ${retries} means ${retries + 1} attempts (the first and ${retries} retries). Pass retry: { retries: PRODUCER_RETRIES } to kafka.producer(): without it an idempotent kafkajs producer takes the client's retry.retries (here 3), or 5, whatever its docs say`,
        ).toBe(retries + 1);
      },
    },
    {
      name: 'poison pills reach the dead-letter topic byte for byte, with the error and where they came from',
      async run(lesson, ctx) {
        const { topic, deadLetterTopic, groupId } = await scenario(ctx, 2);
        const record = recorder();
        const processor = processorFor(lesson, ctx, {
          topic,
          deadLetterTopic,
          groupId,
          handle: (tx) => void (record.attempt(tx), record.succeeded.push(tx.transaction_id)),
        });
        const valid = generateTransactions(8, { seed: 62 });
        const poison = [
          { what: 'not JSON', value: Buffer.from('this is not JSON') },
          { what: 'JSON but no transaction', value: Buffer.from('{"account":"ABC","amount":"lots"}') },
          { what: 'bytes that are not even UTF-8 text', value: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]) },
          { what: 'no value at all (null)', value: null },
        ];
        const messages = [...asMessages(valid, 2)];
        poison.forEach((pill, i) => messages.splice(2 * i + 1, 0, { partition: i % 2, key: `poison-${i}`, value: pill.value }));
        const offsets = await produce(ctx, topic, messages);

        await processor.start();
        await untilEverythingIsCommitted(ctx, groupId, topic, () => `${record.succeeded.length} of ${valid.length} valid transactions processed`);
        await processor.stop();

        const deadLetters = await ctx.readAll(deadLetterTopic);
        poison.forEach((pill, i) => {
          const index = messages.findIndex((m) => m.key === `poison-${i}`);
          const from = { partition: messages[index]!.partition, offset: offsets[index]! };
          const letter = deadLetters.find((m) => header(m, HEADERS.partition) === String(from.partition) && header(m, HEADERS.offset) === String(from.offset));
          expect(
            letter,
            `no dead letter says it came from partition ${from.partition}, offset ${from.offset} (the one that is ${pill.what}). Send every message that cannot be decoded to the dead-letter topic, with the headers ${HEADERS.partition} and ${HEADERS.offset}`,
          ).toBeDefined();
          expect(
            hex(letter!.value),
            `the dead letter from partition ${from.partition}, offset ${from.offset} holds ${hex(letter!.value)} but the original bytes were ${hex(pill.value)}. Send message.value exactly as it came (a Buffer, or null): a string made from it changes every byte that is not valid UTF-8`,
          ).toBe(hex(pill.value));
          expect(letter!.key, `the dead letter lost its key: keep message.key`).toBe(`poison-${i}`);
          expect(header(letter!, HEADERS.topic), `the header ${HEADERS.topic} should name the topic it came from`).toBe(topic);
          expect(header(letter!, HEADERS.error) ?? '', `the header ${HEADERS.error} should say what went wrong (the error's message)`).not.toBe('');
        });
        expect(deadLetters.length, `the dead-letter topic holds ${deadLetters.length} messages for ${poison.length} poison pills: only what cannot be processed goes there, once`).toBe(poison.length);
        expectEachOnce(record.succeeded, valid.map((tx) => tx.transaction_id), 'among the poison pills');
      },
    },
    {
      name: 'a handler that throws once and then succeeds is retried, not dead-lettered',
      async run(lesson, ctx) {
        const { topic, deadLetterTopic, groupId } = await scenario(ctx);
        const valid = generateTransactions(5, { seed: 63 });
        const flaky = valid[2]!.transaction_id;
        const record = recorder();
        const processor = processorFor(lesson, ctx, {
          topic,
          deadLetterTopic,
          groupId,
          maxAttempts: 3,
          handle: (tx) => {
            if (record.attempt(tx) === 1 && tx.transaction_id === flaky) throw new Error('database timeout (this time only)');
            record.succeeded.push(tx.transaction_id);
          },
        });
        await produce(ctx, topic, asMessages(valid));

        await processor.start();
        await untilEverythingIsCommitted(ctx, groupId, topic, () => `${record.succeeded.length} processed, ${flaky} tried ${record.attempts.get(flaky) ?? 0} time(s)`);
        await processor.stop();

        const dead = await deadLetterCount(ctx, deadLetterTopic);
        expect(dead, `${flaky} failed once and went to the dead-letter topic at once. A handler that fails may well succeed a moment later: try again (up to maxAttempts) before giving up`).toBe(0);
        expect(record.attempts.get(flaky), `${flaky} failed once, so it should have been tried exactly twice`).toBe(2);
        expectEachOnce(record.succeeded, valid.map((tx) => tx.transaction_id), 'with one flaky handler call');
      },
    },
    {
      name: 'a handler that keeps failing is dead-lettered after maxAttempts, and the messages behind it go on',
      async run(lesson, ctx) {
        const { topic, deadLetterTopic, groupId } = await scenario(ctx);
        const valid = generateTransactions(5, { seed: 64 });
        const broken = valid[1]!.transaction_id;
        const record = recorder();
        // once the check has seen enough, the handler recovers, so a processor stuck on retries can still stop
        let released = false;
        const processor = processorFor(lesson, ctx, {
          topic,
          deadLetterTopic,
          groupId,
          maxAttempts: 3,
          handle: (tx) => {
            record.attempt(tx);
            if (tx.transaction_id === broken && !released) throw new Error('fraud service unavailable');
            record.succeeded.push(tx.transaction_id);
          },
        });
        await produce(ctx, topic, asMessages(valid));

        await processor.start();
        await untilEverythingIsCommitted(
          ctx,
          groupId,
          topic,
          () =>
            `${broken}, whose handler always fails, was tried ${record.attempts.get(broken) ?? 0} times, and the messages behind it wait. Bound the retries with maxAttempts, then dead-letter the message so the rest can go on`,
          3000,
        ).finally(() => (released = true));
        await processor.stop();

        expect(record.attempts.get(broken), `${broken} was tried ${record.attempts.get(broken)} times; with maxAttempts: 3 that is exactly 3 (the first try and two retries)`).toBe(3);
        const [letter] = await ctx.readAll(deadLetterTopic);
        expect(header(letter!, HEADERS.error), `the header ${HEADERS.error} should carry the handler's error message`).toContain('fraud service unavailable');
        expect(header(letter!, HEADERS.attempts), `the header ${HEADERS.attempts} should say how many times it was tried`).toBe('3');
        expectEachOnce(record.succeeded, valid.filter((tx) => tx.transaction_id !== broken).map((tx) => tx.transaction_id), 'behind a broken message');
      },
    },
    {
      name: 'stop() in the middle of a batch commits exactly what was processed: a restart loses nothing and repeats nothing',
      timeoutMs: 15_000,
      async run(lesson, ctx) {
        const { topic, deadLetterTopic, groupId } = await scenario(ctx);
        const valid = generateTransactions(20, { seed: 65 });
        const stopAfter = 7;
        const stopFailures: unknown[] = [];
        const stopFromHandler = (processor: { stop(): Promise<void> }) => void processor.stop().catch((error: unknown) => stopFailures.push(error));
        const first = recorder();
        const firstRun: Processor.ReliableProcessor = processorFor(lesson, ctx, {
          topic,
          deadLetterTopic,
          groupId,
          handle: async (tx) => {
            first.attempt(tx);
            // a little real asynchronous work, as a database call would be
            await new Promise((resolve) => setImmediate(resolve));
            first.succeeded.push(tx.transaction_id);
            // the stop comes while the rest of the batch is still waiting, as a shutdown does
            if (first.succeeded.length === stopAfter) stopFromHandler(firstRun);
          },
        });
        await produce(ctx, topic, asMessages(valid));

        await firstRun.start();
        await untilGroupIsEmpty(ctx, groupId, 'stop() to leave the group once the message in hand is finished');
        expect(stopFailures, 'stop() failed').toEqual([]);
        const committed = (await ctx.committedOffsets(groupId, topic)).get(0) ?? -1;
        const processed = first.succeeded.length;
        expect(
          committed,
          committed > processed
            ? `after the stop the group committed offset ${committed}, but only ${processed} messages were processed: ${committed - processed} would be skipped after a restart. Commit only what was processed (with eachBatch, resolve each offset yourself and set eachBatchAutoResolve: false)`
            : `after the stop the group committed offset ${committed}, but ${processed} messages were processed: ${processed - Math.max(committed, 0)} would be processed again after a restart. Let the consumer commit what it processed when it stops (with autoCommit, consumer.disconnect() does)`,
        ).toBe(processed);

        const second = recorder();
        const secondRun: Processor.ReliableProcessor = processorFor(lesson, ctx, {
          topic,
          deadLetterTopic,
          groupId,
          handle: (tx, source) => {
            second.attempt(tx);
            second.succeeded.push(tx.transaction_id);
            if (Number(source.offset) === valid.length - 1) stopFromHandler(secondRun);
          },
        });
        await secondRun.start();
        await untilGroupIsEmpty(ctx, groupId, 'the restarted processor to read to the end and stop');

        expectEachOnce([...first.succeeded, ...second.succeeded], valid.map((tx) => tx.transaction_id), 'across the stop and the restart');
        expect((await ctx.committedOffsets(groupId, topic)).get(0), 'after the second stop the group should have committed every message').toBe(valid.length);
      },
    },
    {
      // the only check that sends signals, and only one wrong answer uses it: runs side by side
      // in one process would otherwise hear each other's signals
      name: 'SIGTERM and SIGINT each trigger that graceful stop, once',
      async run(lesson, ctx) {
        for (const signal of ['SIGTERM', 'SIGINT'] as const) {
          const { topic, deadLetterTopic, groupId } = await scenario(ctx);
          const processor = processorFor(lesson, ctx, { topic, deadLetterTopic, groupId, handle: () => {} });
          const others = new Set(process.listeners(signal));
          ctx.onCleanup(lesson.stopOnSignals(processor));
          const ours = () => process.listeners(signal).filter((listener) => !others.has(listener));
          expect(ours().length, `stopOnSignals() should listen to ${signal}: docker stop and Kubernetes send SIGTERM, Ctrl+C sends SIGINT`).toBeGreaterThan(0);
          await produce(ctx, topic, asMessages(generateTransactions(3, { seed: 66 })));
          await processor.start();
          await untilEverythingIsCommitted(ctx, groupId, topic, () => 'the processor is running');

          process.emit(signal);
          await untilGroupIsEmpty(ctx, groupId, `${signal} to stop the processor (docker stop and Kubernetes send SIGTERM; Ctrl+C sends SIGINT: handle both)`);
          expect(ours().length, `after the first ${signal} your listeners should be gone, so that a second one ends the process at once when a stop hangs`).toBe(0);
        }
      },
    },
  ],
  wrongAnswers: [
    { fixture: 'not-idempotent', rejectedBy: 'a lost acknowledgement does not store a message twice (idempotent producer)', teaches: /stored 2 copies.*idempotent: true/ },
    { fixture: 'retries-left-to-kafkajs', rejectedBy: 'a send that cannot get through fails after PRODUCER_RETRIES retries', teaches: /tried 4 times.*retry: \{ retries: PRODUCER_RETRIES \}/ },
    { fixture: 'dead-letters-a-string', rejectedBy: 'poison pills reach the dead-letter topic byte for byte, with the error and where they came from', teaches: /original bytes were ff fe 00 80 c3.*a string made from it/ },
    { fixture: 'skips-malformed', rejectedBy: 'poison pills reach the dead-letter topic byte for byte, with the error and where they came from', teaches: /no dead letter says it came from partition/ },
    { fixture: 'no-retry', rejectedBy: 'a handler that throws once and then succeeds is retried, not dead-lettered', teaches: /failed once and went to the dead-letter topic at once/ },
    { fixture: 'retries-forever', rejectedBy: 'a handler that keeps failing is dead-lettered after maxAttempts, and the messages behind it go on', teaches: /was tried \d+ times, and the messages behind it wait\. Bound the retries/ },
    { fixture: 'each-batch-auto-resolve', rejectedBy: 'stop() in the middle of a batch commits exactly what was processed: a restart loses nothing and repeats nothing', teaches: /would be skipped after a restart.*eachBatchAutoResolve: false/ },
    { fixture: 'auto-commit-off', rejectedBy: 'stop() in the middle of a batch commits exactly what was processed: a restart loses nothing and repeats nothing', teaches: /would be processed again after a restart/ },
    { fixture: 'only-sigint', rejectedBy: 'SIGTERM and SIGINT each trigger that graceful stop, once', teaches: /should listen to SIGTERM: docker stop and Kubernetes send SIGTERM/ },
  ],
});

registerLesson(lesson06);
