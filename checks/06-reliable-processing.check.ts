import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, KafkaConfig } from 'kafkajs';
import { expect } from 'vitest';
import { encodeTransaction } from '../bank/codec.ts';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Processor from '../solutions/06-reliable-processing/processor.ts';
import type * as Producer from '../solutions/06-reliable-processing/producer.ts';
import type { CheckContext, ReadMessage } from './support/context.ts';
import {
  loseFirstProduceAcknowledgement,
  refuseEveryProduce,
  refuseProduceUntilReleased,
  watchProduceAcknowledgements,
} from './support/network.ts';
import { asError, defineLesson, registerLesson } from './support/lesson-checks.ts';
import { wireTap } from './support/wire-tap.ts';
import { sendMessages } from './support/produce.ts';
import { becomesTrue, waitFor, within } from './support/wait.ts';

type Lesson06 = typeof Producer & typeof Processor;
type ProcessorOptions = Processor.ProcessorOptions;

/** The header names the README promises. */
const HEADERS = {
  error: 'error.message',
  attempts: 'error.attempts',
  topic: 'source.topic',
  partition: 'source.partition',
  offset: 'source.offset',
};

/** Retries that come quickly, so fault checks take milliseconds; the learner's own settings still win. */
function quickRetries(ctx: CheckContext) {
  return { ...ctx.connection(), retry: { retries: 3, initialRetryTime: 5, maxRetryTime: 20 } };
}

/**
 * For a processor whose dead letters fail on purpose: a send gives up within a quarter of a second
 * (the lesson's own count of retries, their pauses doubling from 5 ms to at most 20 ms; at 50 ms the
 * solution's ten retries took 0.45 s of the lesson's slowest check). 450 of them leave a lookup of
 * the group coordinator the patience of kafkajs's defaults, about 9 s. When
 * process() rejects, kafkajs crashes the consumer and restarts it after the producer's last pause;
 * restarts that quick met their previous run's closing connections and crashed for good on
 * "Failed to find group coordinator", which kafkajs does not restart (CI, stops 22 to 26). So
 * kafkajs is asked to wait 300 ms more before a restart (its default pause), through the
 * consumer's `restartOnFailure`, which every consumer made from this connection inherits.
 */
function quickSendsSlowerRestarts(ctx: CheckContext): KafkaConfig {
  return {
    ...ctx.connection(),
    retry: {
      retries: 450,
      initialRetryTime: 5,
      maxRetryTime: 20,
      restartOnFailure: () => sleep(RESTART_PAUSE_MS, true),
    },
  };
}
const RESTART_PAUSE_MS = 300;

interface Outgoing {
  partition: number;
  key: string;
  value: Buffer | null;
}

/** Writes `messages` in one request and returns each one's offset, in the same order. */
async function produce(ctx: CheckContext, topic: string, messages: readonly Outgoing[]): Promise<number[]> {
  await sendMessages(
    ctx,
    topic,
    messages.map((m) => ({ ...m })),
  );
  const next = new Map<number, number>();
  return messages.map(({ partition }) => {
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    return offset;
  });
}

function asMessages(txs: readonly Transaction[], partitions = 1): Outgoing[] {
  return txs.map((tx, i) => ({
    partition: i % partitions,
    key: String(tx.account),
    value: Buffer.from(encodeTransaction(tx)),
  }));
}

/** A topic of transactions, a dead-letter topic, and a group: a fresh set for one scenario (`tag` tells apart several in one check). */
async function scenario(ctx: CheckContext, partitions = 1, tag = '') {
  const [topic, deadLetterTopic] = await Promise.all([
    ctx.createTopic(`transactions${tag}`, partitions),
    ctx.createTopic(`dead-letters${tag}`),
  ]);
  return { topic, deadLetterTopic, groupId: ctx.name(`processor${tag}`) };
}

/** The learner's processor, always stopped after the check. */
function processorFor(
  lesson: Lesson06,
  ctx: CheckContext,
  options: Omit<ProcessorOptions, 'connection'> & { connection?: KafkaConfig },
) {
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

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Signal = (typeof SIGNALS)[number];
type SignalListener = (signal: Signal) => void;

/**
 * The signal listeners that `add` puts on the process, told apart from any that other code in
 * this thread has, because `add` runs without a break. deliver() does for them what a real
 * signal does for every listener: each is called, and one added with process.once is removed first.
 */
function listenersAddedBy<T>(add: () => T) {
  const current = (signal: Signal) => process.rawListeners(signal) as SignalListener[];
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(current(signal))]));
  const result = add();
  const added = new Map(SIGNALS.map((signal) => [signal, current(signal).filter((l) => !before.get(signal)!.has(l))]));
  const stillThere = (signal: Signal) => added.get(signal)!.filter((listener) => current(signal).includes(listener));
  return {
    result,
    stillListening: (signal: Signal) => stillThere(signal).length,
    deliver: (signal: Signal) => stillThere(signal).forEach((listener) => listener.call(process, signal)),
  };
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
async function untilEverythingIsCommitted(
  ctx: CheckContext,
  groupId: string,
  topic: string,
  progress: () => string,
  timeoutMs = 5000,
  likelyCause?: () => string,
) {
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
      lastSeen: () =>
        `${progress()}; committed ${[...ends.keys()].map((p) => `${committed.get(p) ?? -1} of ${ends.get(p)}`).join(', ')}`,
      likelyCause:
        likelyCause ??
        'a message is neither processed nor dead-lettered, so its offset is never committed: every message must end one way or the other',
    },
  );
}

/**
 * What a consumer went through (crashes, restarts, group joins), newest last, for a message
 * that has to say why a processor stopped moving. Empty for a class that hides its consumer.
 */
function consumerStory(consumer: Consumer | undefined): () => string {
  if (!consumer) return () => '';
  const events: string[] = [];
  const started = performance.now();
  const note = (what: string) => events.push(`${((performance.now() - started) / 1000).toFixed(1)} s ${what}`);
  consumer.on(consumer.events.CRASH, ({ payload }) =>
    note(`crashed (${payload.error.message}; kafkajs restarts it: ${payload.restart ? 'yes' : 'no'})`),
  );
  consumer.on(consumer.events.REBALANCING, () => note('rejoins its group'));
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => note(`joined its group in ${payload.duration} ms`));
  return () => `. The consumer: ${events.slice(-8).join(', ') || 'no crash, no join'}`;
}

const DEAD_LETTER_UNREACHABLE =
  'a message whose dead letter cannot be sent is not committed: it comes again until it is parked';
const STOP_WHILE_RETRYING =
  'stop() during the retries of a failing message lets it finish: it is dead-lettered and committed, then every connection closes';

/** The pause before a handler's first retry in the checks that look at the pauses. */
const RETRY_DELAY_MS = 40;
/** Not the default (3): a processor that ignores the option shows it, and three pauses show whether they double. */
const MAX_ATTEMPTS = 4;

/** What keeps a broken message from being finished, from what the check saw: built after the attempts, never before. */
function stuckOnABrokenMessage(tried: number, maxAttempts: number, deadLetterSends: number): string {
  if (tried > maxAttempts && deadLetterSends > 0) {
    return 'its dead letter was sent, and yet the message came back: process() must resolve once the message is dead-lettered (return this.deadLetter(…)), or kafkajs delivers it again';
  }
  if (tried > maxAttempts) {
    return 'the retries have no bound: stop after this.maxAttempts attempts, then dead-letter the message so the rest can go on';
  }
  if (deadLetterSends === 0) {
    return 'after the last attempt nothing was sent to the dead-letter topic: call this.deadLetter(partition, message, error, attempt) when attempt >= this.maxAttempts';
  }
  return 'it was dead-lettered, but process() never returned, so kafkajs cannot commit it: return after this.deadLetter(…)';
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
    {
      timeoutMs: 3000,
      expected,
      lastSeen: () => `the group is still ${state}`,
      likelyCause: 'stop() did not disconnect the consumer, so it never left its group',
    },
  );
}

export const lesson06 = defineLesson<Lesson06>({
  id: 'lesson-06',
  checks: [
    {
      name: 'a lost acknowledgement does not store a message twice (idempotent producer)',
      step: 1,
      async run(lesson, ctx) {
        const network = loseFirstProduceAcknowledgement();
        const producer = lesson.createReliableProducer({ ...quickRetries(ctx), socketFactory: network.socketFactory });
        ctx.onCleanup(() => producer.disconnect());
        const topic = await ctx.createTopic('transactions');
        await producer.connect();
        const [tx] = generateTransactions(1, { seed: 61 }) as [Transaction];
        const failed = await producer
          .send({ topic, messages: [{ key: String(tx.account), value: encodeTransaction(tx) }] })
          .then(
            () => undefined,
            (error: unknown) => asError(error),
          );
        if (failed) {
          expect.fail(
            `the send failed when the broker's acknowledgement was lost (${failed.message}), after ${network.produceAttempts} attempt(s). kafkajs should simply send it again: create the producer with idempotent: true and retry: { retries: PRODUCER_RETRIES }`,
          );
        }
        expect(
          network.produceAttempts,
          'the producer did not send through `connection`: create it with new Kafka(connection)',
        ).toBeGreaterThanOrEqual(2);
        const copies = (await ctx.readAll(topic)).length;
        expect(
          copies,
          `the broker stored ${copies} copies of one message. Its acknowledgement was lost, so kafkajs sent the batch again. With idempotent: true the broker knows the batch by its producer id and sequence number and stores it once.`,
        ).toBe(1);
      },
    },
    {
      name: 'a send that cannot get through fails after PRODUCER_RETRIES retries',
      step: 1,
      timeoutMs: 15_000,
      async run(lesson, ctx) {
        const network = refuseEveryProduce();
        const producer = lesson.createReliableProducer({ ...quickRetries(ctx), socketFactory: network.socketFactory });
        ctx.onCleanup(() => producer.disconnect());
        const retries = lesson.PRODUCER_RETRIES;
        expect(
          Number.isInteger(retries) && retries >= 1,
          `PRODUCER_RETRIES should be a whole number of at least 1 (an idempotent producer must be allowed to retry), not ${retries}`,
        ).toBe(true);
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
      step: 4,
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
        poison.forEach((pill, i) =>
          messages.splice(2 * i + 1, 0, { partition: i % 2, key: `poison-${i}`, value: pill.value }),
        );
        const offsets = await produce(ctx, topic, messages);

        await processor.start();
        await untilEverythingIsCommitted(
          ctx,
          groupId,
          topic,
          () => `${record.succeeded.length} of ${valid.length} valid transactions processed`,
        );
        await processor.stop();

        const deadLetters = await ctx.readAll(deadLetterTopic);
        poison.forEach((pill, i) => {
          const index = messages.findIndex((m) => m.key === `poison-${i}`);
          const from = { partition: messages[index]!.partition, offset: offsets[index]! };
          const letter = deadLetters.find(
            (m) =>
              header(m, HEADERS.partition) === String(from.partition) &&
              header(m, HEADERS.offset) === String(from.offset),
          );
          expect(
            letter,
            `no dead letter says it came from partition ${from.partition}, offset ${from.offset} (the one that is ${pill.what}). Send every message that cannot be decoded to the dead-letter topic, with the headers ${HEADERS.partition} and ${HEADERS.offset}`,
          ).toBeDefined();
          expect(
            hex(letter!.value),
            `the dead letter from partition ${from.partition}, offset ${from.offset} holds ${hex(letter!.value)} but the original bytes were ${hex(pill.value)}. Send message.value exactly as it came (a Buffer, or null): a string made from it changes every byte that is not valid UTF-8`,
          ).toBe(hex(pill.value));
          expect(letter!.key, `the dead letter lost its key: keep message.key`).toBe(`poison-${i}`);
          expect(header(letter!, HEADERS.topic), `the header ${HEADERS.topic} should name the topic it came from`).toBe(
            topic,
          );
          expect(
            header(letter!, HEADERS.error) ?? '',
            `the header ${HEADERS.error} should say what went wrong (the error's message)`,
          ).not.toBe('');
          expect(
            header(letter!, HEADERS.attempts),
            `the dead letter from partition ${from.partition}, offset ${from.offset} (${pill.what}) says ${HEADERS.attempts}: ${header(letter!, HEADERS.attempts)}. A message that cannot be decoded never reaches the handler: it goes to the dead letters at once, with 1 attempt`,
          ).toBe('1');
        });
        expect(
          deadLetters.length,
          `the dead-letter topic holds ${deadLetters.length} messages for ${poison.length} poison pills: only what cannot be processed goes there, once`,
        ).toBe(poison.length);
        expectEachOnce(
          record.succeeded,
          valid.map((tx) => tx.transaction_id),
          'among the poison pills',
        );
        expect(
          { processed: processor.processedCount, deadLettered: processor.deadLetteredCount },
          `the processor counted ${processor.processedCount} processed and ${processor.deadLetteredCount} dead-lettered, but ${valid.length} transactions were processed and ${poison.length} dead-lettered: count each success in processedCount and each dead letter in deadLetteredCount (the live demo prints them)`,
        ).toEqual({ processed: valid.length, deadLettered: poison.length });
      },
    },
    {
      name: DEAD_LETTER_UNREACHABLE,
      step: 4,
      timeoutMs: 180_000,
      async run(lesson, ctx) {
        const { topic, deadLetterTopic, groupId } = await scenario(ctx);
        // the dead-letter topic is out of reach, for now: every dead letter fails after the producer's retries
        const network = refuseProduceUntilReleased();
        const record = recorder();
        const processor = processorFor(lesson, ctx, {
          connection: { ...quickSendsSlowerRestarts(ctx), socketFactory: network.socketFactory },
          topic,
          deadLetterTopic,
          groupId,
          handle: (tx) => void (record.attempt(tx), record.succeeded.push(tx.transaction_id)),
        });
        const valid = generateTransactions(3, { seed: 67 });
        const pill = Buffer.from('{"not":"a transaction"}');
        const messages = asMessages(valid);
        messages.splice(1, 0, { partition: 0, key: 'poison', value: pill });
        await produce(ctx, topic, messages);
        const behind = valid.slice(1).map((tx) => tx.transaction_id);
        // one send of the producer is its first attempt and PRODUCER_RETRIES retries: more means a second dead letter
        const oneSend = Number(lesson.PRODUCER_RETRIES) + 1;

        const story = consumerStory((processor as { consumer?: Consumer }).consumer);
        await processor.start();
        const movedOn = () => behind.some((id) => record.succeeded.includes(id));
        const attempts = () =>
          `${network.produceAttempts} attempt(s) to send a dead letter, ${record.succeeded.length} transaction(s) processed`;
        await waitFor(() => (movedOn() || network.produceAttempts >= oneSend ? true : undefined), {
          timeoutMs: 15_000,
          expected: 'the processor to try to send the poison pill at offset 1 to the dead-letter topic',
          lastSeen: attempts,
          likelyCause: 'the processor never sent the poison pill to the dead-letter topic',
        });
        // the pill's dead letter has failed: from here a correct processor never moves on past it.
        // kafkajs's consumer restarts and gets it again, usually within a second; the proof that
        // it came again is that it gets parked once the topic is back
        await becomesTrue(() => movedOn() || network.produceAttempts > oneSend, 3000);
        const committed = (await ctx.committedOffsets(groupId, topic)).get(0) ?? -1;
        if (movedOn() || committed > 1) {
          expect.fail(
            `the dead letter of the poison pill at offset 1 could not be sent (the dead-letter topic was out of reach), and the processor went on past it all the same (it committed offset ${committed} and processed what came after): that message is lost, neither processed nor parked. Await the dead letter's send and let its error reach kafkajs (no try/catch in deadLetter()), so that process() rejects and kafkajs delivers the message again`,
          );
        }

        // the dead-letter topic is back: the next delivery parks the pill and the rest goes on. The
        // wrong answers are caught above, at once; this wait only bounds a processor that stopped.
        // Each crash makes kafkajs's consumer leave its group and join again, and a join may wait
        // on the group's timeouts (by kafkajs's defaults 30 s for a session, 60 s for a rebalance)
        network.release();
        await untilEverythingIsCommitted(
          ctx,
          groupId,
          topic,
          () =>
            `${network.produceAttempts} attempt(s) to send a dead letter, ${record.succeeded.length} of ${valid.length} transactions processed${story()}`,
          150_000,
          () =>
            'the processor stopped on the poison pill: when its dead letter cannot be sent, process() should reject, and kafkajs then delivers the message again',
        );
        await processor.stop();
        const parked = await ctx.readAll(deadLetterTopic);
        expect(
          parked.map((m) => hex(m.value)),
          'once the dead-letter topic is back, the poison pill should be parked there once, byte for byte',
        ).toEqual([hex(pill)]);
        expectEachOnce(
          record.succeeded,
          valid.map((tx) => tx.transaction_id),
          'around a dead letter that could not be sent at first',
        );
      },
    },
    {
      name: 'a handler that throws once and then succeeds is retried, not dead-lettered',
      step: 3,
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
            if (record.attempt(tx) === 1 && tx.transaction_id === flaky)
              throw new Error('database timeout (this time only)');
            record.succeeded.push(tx.transaction_id);
          },
        });
        await produce(ctx, topic, asMessages(valid));

        await processor.start();
        await untilEverythingIsCommitted(
          ctx,
          groupId,
          topic,
          () => `${record.succeeded.length} processed, ${flaky} tried ${record.attempts.get(flaky) ?? 0} time(s)`,
        );
        await processor.stop();

        const dead = await deadLetterCount(ctx, deadLetterTopic);
        expect(
          dead,
          `${flaky} failed once and went to the dead-letter topic at once. A handler that fails may well succeed a moment later: try again (up to maxAttempts) before giving up`,
        ).toBe(0);
        expect(record.attempts.get(flaky), `${flaky} failed once, so it should have been tried exactly twice`).toBe(2);
        expectEachOnce(
          record.succeeded,
          valid.map((tx) => tx.transaction_id),
          'with one flaky handler call',
        );
      },
    },
    {
      name: 'a handler that keeps failing is dead-lettered after maxAttempts, and the messages behind it go on',
      step: 3,
      async run(lesson, ctx) {
        const { topic, deadLetterTopic, groupId } = await scenario(ctx);
        const valid = generateTransactions(5, { seed: 64 });
        const broken = valid[1]!.transaction_id;
        const record = recorder();
        const triedAt: number[] = [];
        // the processor's only Produce requests are its dead letters
        const deadLetters = watchProduceAcknowledgements();
        // once the check has seen enough, the handler recovers, so a processor stuck on retries can still stop
        let released = false;
        const processor = processorFor(lesson, ctx, {
          connection: { ...ctx.connection(), socketFactory: deadLetters.socketFactory },
          topic,
          deadLetterTopic,
          groupId,
          maxAttempts: MAX_ATTEMPTS,
          retryDelayMs: RETRY_DELAY_MS,
          handle: (tx) => {
            record.attempt(tx);
            if (tx.transaction_id === broken && !released) {
              triedAt.push(performance.now());
              throw new Error('fraud service unavailable');
            }
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
            `${broken}, whose handler always fails, was tried ${record.attempts.get(broken) ?? 0} time(s) with maxAttempts: ${MAX_ATTEMPTS}, and the messages behind it wait; ${deadLetters.sent} dead letter(s) sent`,
          4000,
          () => stuckOnABrokenMessage(record.attempts.get(broken) ?? 0, MAX_ATTEMPTS, deadLetters.sent),
        ).finally(() => (released = true));
        await processor.stop();

        expect(
          record.attempts.get(broken),
          `${broken} was tried ${record.attempts.get(broken)} times; with maxAttempts: ${MAX_ATTEMPTS} that is exactly ${MAX_ATTEMPTS} (the first try and ${MAX_ATTEMPTS - 1} retries)`,
        ).toBe(MAX_ATTEMPTS);
        // three pauses that double: a busy machine can stretch one, but never shrink one, nor make a constant pause double twice
        const pauses = triedAt.slice(1).map((at, i) => Math.round(at - triedAt[i]!));
        const wanted = pauses.map((_, i) => RETRY_DELAY_MS * 2 ** i);
        expect(
          pauses[0]! >= RETRY_DELAY_MS * 0.9,
          `${broken} was tried again ${pauses[0]} ms after its first attempt failed, with retryDelayMs: ${RETRY_DELAY_MS}. A service that just failed needs a moment: sleep before each retry, retryDelayMs × 2^(attempt − 1) (here ${wanted.join(' ms, ')} ms)`,
        ).toBe(true);
        expect(
          pauses.every((pause, i) => pause >= wanted[i]! * 0.9),
          `the pauses before the retries of ${broken} were ${pauses.join(' ms, ')} ms, with retryDelayMs: ${RETRY_DELAY_MS}: the pause doubles each time, retryDelayMs × 2^(attempt − 1), so ${wanted.join(' ms, ')} ms`,
        ).toBe(true);
        const [letter] = await ctx.readAll(deadLetterTopic);
        expect(
          header(letter!, HEADERS.error),
          `the header ${HEADERS.error} should carry the handler's error message`,
        ).toContain('fraud service unavailable');
        expect(
          header(letter!, HEADERS.attempts),
          `the header ${HEADERS.attempts} should say how many times it was tried`,
        ).toBe(String(MAX_ATTEMPTS));
        expectEachOnce(
          record.succeeded,
          valid.filter((tx) => tx.transaction_id !== broken).map((tx) => tx.transaction_id),
          'behind a broken message',
        );
      },
    },
    {
      name: 'stop() in the middle of a batch commits exactly what was processed: a restart loses nothing and repeats nothing',
      step: 5,
      timeoutMs: 15_000,
      async run(lesson, ctx) {
        const { topic, deadLetterTopic, groupId } = await scenario(ctx);
        const valid = generateTransactions(20, { seed: 65 });
        const stopAfter = 7;
        const stopFailures: unknown[] = [];
        const stopFromHandler = (processor: { stop(): Promise<void> }) =>
          void processor.stop().catch((error: unknown) => stopFailures.push(error));
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

        expectEachOnce(
          [...first.succeeded, ...second.succeeded],
          valid.map((tx) => tx.transaction_id),
          'across the stop and the restart',
        );
        expect(
          (await ctx.committedOffsets(groupId, topic)).get(0),
          'after the second stop the group should have committed every message',
        ).toBe(valid.length);
      },
    },
    {
      name: STOP_WHILE_RETRYING,
      step: 5,
      async run(lesson, ctx) {
        const { topic, deadLetterTopic, groupId } = await scenario(ctx);
        const valid = generateTransactions(3, { seed: 68 });
        const broken = valid[0]!.transaction_id;
        const tap = wireTap();
        const stopFailures: unknown[] = [];
        const record = recorder();
        const processor: Processor.ReliableProcessor = processorFor(lesson, ctx, {
          connection: { ...ctx.connection(), socketFactory: tap.socketFactory },
          topic,
          deadLetterTopic,
          groupId,
          maxAttempts: 3,
          retryDelayMs: 20,
          handle: (tx) => {
            // the stop comes while the first message is still being retried, as a shutdown may
            if (record.attempt(tx) === 1 && tx.transaction_id === broken)
              void processor.stop().catch((error: unknown) => stopFailures.push(error));
            if (tx.transaction_id === broken) throw new Error('ledger service unavailable');
            record.succeeded.push(tx.transaction_id);
          },
        });
        await produce(ctx, topic, asMessages(valid));

        await processor.start();
        await untilGroupIsEmpty(ctx, groupId, 'stop() to let the message in hand finish and leave the group');
        expect(
          stopFailures.map((e) => asError(e).message),
          'stop() failed',
        ).toEqual([]);
        const dead = await deadLetterCount(ctx, deadLetterTopic);
        const committed = (await ctx.committedOffsets(groupId, topic)).get(0) ?? -1;
        expect(
          { dead, committed },
          `stop() came while ${broken} was being retried; it was tried ${record.attempts.get(broken) ?? 0} time(s) and then ${dead === 0 ? 'never reached the dead-letter topic' : 'dead-lettered'}, and the group committed ${committed}. The consumer finishes the message in hand when it disconnects, and that message may still need the producer for its dead letter: disconnect the consumer first, then the producer (one after the other, not at once)`,
        ).toEqual({ dead: 1, committed: 1 });
        let open = tap.openConnections();
        await waitFor(() => ((open = tap.openConnections()) === 0 ? true : undefined), {
          timeoutMs: 3000,
          expected: 'every connection of the processor to close after stop()',
          lastSeen: () => `${open} still open`,
          likelyCause: 'stop() must disconnect the producer too, or its connections keep the program from exiting',
        });
      },
    },
    {
      // the signals go to the listeners that stopOnSignals() added, and only those: processors of
      // checks running beside this one, in the same thread, never hear them
      name: 'SIGTERM and SIGINT each trigger that graceful stop, once',
      step: 6,
      async run(lesson, ctx) {
        const removeAtOnce = listenersAddedBy(() => lesson.stopOnSignals({ stop: async () => {} }));
        removeAtOnce.result();
        for (const signal of SIGNALS) {
          expect(
            removeAtOnce.stillListening(signal),
            `after calling the function that stopOnSignals() returns, a ${signal} listener of yours is still there: that function should remove every listener stopOnSignals() added`,
          ).toBe(0);
        }

        for (const signal of SIGNALS) {
          const { topic, deadLetterTopic, groupId } = await scenario(ctx, 1, `-${signal.toLowerCase()}`);
          const processor = processorFor(lesson, ctx, { topic, deadLetterTopic, groupId, handle: () => {} });
          let stops = 0;
          const ours = listenersAddedBy(() => lesson.stopOnSignals({ stop: () => (stops++, processor.stop()) }));
          ctx.onCleanup(ours.result);
          for (const each of SIGNALS) {
            expect(
              ours.stillListening(each),
              `stopOnSignals() should listen to ${each}: docker stop and Kubernetes send SIGTERM, Ctrl+C sends SIGINT`,
            ).toBeGreaterThan(0);
          }
          await produce(ctx, topic, asMessages(generateTransactions(3, { seed: 66 })));
          await processor.start();
          await untilEverythingIsCommitted(ctx, groupId, topic, () => 'the processor is running');

          ours.deliver(signal);
          await untilGroupIsEmpty(
            ctx,
            groupId,
            `${signal} to stop the processor (docker stop and Kubernetes send SIGTERM; Ctrl+C sends SIGINT: handle both)`,
          );
          expect(stops, `one ${signal} called stop() ${stops} times: call it once`).toBe(1);
          expect(
            ours.stillListening(signal),
            `after the first ${signal} your listeners should be gone, so that a second one ends the process at once when a stop hangs`,
          ).toBe(0);
          for (const other of SIGNALS.filter((each) => each !== signal)) {
            expect(
              ours.stillListening(other),
              `after ${signal} your ${other} listener is still there: a later ${other} would call stop() a second time. process.once removes only the listener of the signal that came; on the first signal, remove them all (process.off for each signal)`,
            ).toBe(0);
          }
        }
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'not-idempotent',
      rejectedBy: 'a lost acknowledgement does not store a message twice (idempotent producer)',
      teaches: /stored 2 copies.*idempotent: true/,
    },
    {
      fixture: 'retries-left-to-kafkajs',
      rejectedBy: 'a send that cannot get through fails after PRODUCER_RETRIES retries',
      teaches: /tried 4 times.*retry: \{ retries: PRODUCER_RETRIES \}/,
    },
    {
      fixture: 'dead-letters-a-string',
      rejectedBy: 'poison pills reach the dead-letter topic byte for byte, with the error and where they came from',
      teaches: /original bytes were ff fe 00 80 c3.*a string made from it/,
    },
    {
      fixture: 'skips-malformed',
      rejectedBy: 'poison pills reach the dead-letter topic byte for byte, with the error and where they came from',
      teaches: /no dead letter says it came from partition/,
    },
    {
      fixture: 'no-retry',
      rejectedBy: 'a handler that throws once and then succeeds is retried, not dead-lettered',
      teaches: /failed once and went to the dead-letter topic at once/,
    },
    {
      fixture: 'retries-forever',
      rejectedBy: 'a handler that keeps failing is dead-lettered after maxAttempts, and the messages behind it go on',
      teaches:
        /was tried \d+ time\(s\) with maxAttempts: 4, and the messages behind it wait.*the retries have no bound/,
    },
    {
      fixture: 'each-batch-auto-resolve',
      rejectedBy:
        'stop() in the middle of a batch commits exactly what was processed: a restart loses nothing and repeats nothing',
      teaches: /would be skipped after a restart.*eachBatchAutoResolve: false/,
    },
    {
      fixture: 'auto-commit-off',
      rejectedBy:
        'stop() in the middle of a batch commits exactly what was processed: a restart loses nothing and repeats nothing',
      teaches: /would be processed again after a restart/,
    },
    {
      fixture: 'only-sigint',
      rejectedBy: 'SIGTERM and SIGINT each trigger that graceful stop, once',
      teaches: /should listen to SIGTERM: docker stop and Kubernetes send SIGTERM/,
    },
    {
      fixture: 'no-retries',
      rejectedBy: 'a lost acknowledgement does not store a message twice (idempotent producer)',
      teaches: /send failed when the broker's acknowledgement was lost.*retry: \{ retries: PRODUCER_RETRIES \}/,
    },
    {
      fixture: 'forgets-to-count',
      rejectedBy: 'poison pills reach the dead-letter topic byte for byte, with the error and where they came from',
      teaches: /counted 8 processed and 0 dead-lettered.*deadLetteredCount/,
    },
    {
      fixture: 'dead-letter-error-swallowed',
      rejectedBy: DEAD_LETTER_UNREACHABLE,
      teaches: /went on past it.*let its error reach kafkajs/,
    },
    {
      fixture: 'dead-letter-not-awaited',
      rejectedBy: DEAD_LETTER_UNREACHABLE,
      teaches: /went on past it.*Await the dead letter's send/,
    },
    {
      fixture: 'rethrows-after-dead-letter',
      rejectedBy: 'a handler that keeps failing is dead-lettered after maxAttempts, and the messages behind it go on',
      teaches: /its dead letter was sent, and yet the message came back: process\(\) must resolve/,
    },
    {
      fixture: 'no-pause-between-attempts',
      rejectedBy: 'a handler that keeps failing is dead-lettered after maxAttempts, and the messages behind it go on',
      teaches: /was tried again \d+ ms after its first attempt failed.*sleep before each retry/,
    },
    {
      fixture: 'constant-pause',
      rejectedBy: 'a handler that keeps failing is dead-lettered after maxAttempts, and the messages behind it go on',
      teaches: /the pause doubles each time/,
    },
    {
      fixture: 'stop-producer-first',
      rejectedBy: STOP_WHILE_RETRYING,
      teaches: /never reached the dead-letter topic.*disconnect the consumer first, then the producer/,
    },
    {
      fixture: 'stop-both-at-once',
      rejectedBy: STOP_WHILE_RETRYING,
      teaches: /never reached the dead-letter topic.*not at once/,
    },
    {
      fixture: 'stop-forgets-producer',
      rejectedBy: STOP_WHILE_RETRYING,
      teaches: /still open.*stop\(\) must disconnect the producer too/,
    },
    {
      fixture: 'once-per-signal',
      rejectedBy: 'SIGTERM and SIGINT each trigger that graceful stop, once',
      teaches: /your SIGINT listener is still there: a later SIGINT would call stop\(\) a second time\. process\.once/,
    },
  ],
  correctVariants: ['each-batch-resolve-offset', 'concurrent-partitions', 'once-then-remove-all'],
});

registerLesson(lesson06);
