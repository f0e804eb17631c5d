import { expect } from 'vitest';
import type * as Lesson from '../solutions/07-batching-and-throughput/producer.ts';
import { OneByOneSender } from '../solutions/07-batching-and-throughput/producer.ts';
import type { CheckContext } from './support/context.ts';
import { asError, defineLesson, registerLesson } from './support/lesson-checks.ts';
import { watchProduceAcknowledgements, type ProduceWatch } from './support/network.ts';
import { sendFailures } from './support/tracked-kafkajs.ts';
import { becomesTrue, waitFor, within } from './support/wait.ts';

type Lesson07 = typeof Lesson;
type OutgoingMessage = Lesson.OutgoingMessage;
type BulkSender = Lesson.BulkSender;

const KEYS = 50;
const REQUIRED_SPEEDUP = 10;
/** The broker's default limit on one record batch (message.max.bytes): about 1 MB. */
const BROKER_BATCH_LIMIT = 1_048_588;
/**
 * Messages of one account, 150 bytes each: about 1.15 MB with the batch's own bytes, more than one
 * request may carry, while 5,000 of them (a bigger BATCH_SIZE than the lesson's) still fit in one.
 * Bigger messages than elsewhere, so fewer of them: each costs kafkajs and the broker about the same.
 */
const ONE_ACCOUNT = 7007;
const ONE_ACCOUNT_BYTES = 150;

/**
 * `count` messages of exactly `bytes` bytes, for `keys` accounts in turn; each value says its key
 * and its place among that key's messages.
 */
function outgoing(count: number, runLabel = '', keys = KEYS, bytes = 100): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const key = String(1000 + (i % keys));
    return { key, value: Buffer.from(`${key}:${Math.floor(i / keys)}:${runLabel}:`.padEnd(bytes, '.')) };
  });
}

/**
 * Enough messages that every lane sends a full batch and then a partial one, whatever
 * BATCH_SIZE and IN_FLIGHT say (within reason): a lane that sends its batches all at once, or
 * drops its last one, shows it only then. Never a multiple of the batch size.
 */
function manyFor(lesson: Lesson07): number {
  const batch = positiveOr(lesson.BATCH_SIZE, 2000);
  const lanes = positiveOr(lesson.IN_FLIGHT, 4);
  return Math.min(Math.max(Math.ceil(1.3 * batch * lanes), 5000), 40_000) + 3;
}

function positiveOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? value : fallback;
}

function sequenceOf(value: Buffer | null): number {
  return Number((value?.toString('utf8') ?? '').split(':')[1]);
}

/** The learner's FastSender for `topic`, always closed after the check. */
function fastSender(lesson: Lesson07, ctx: CheckContext, topic: string, connection = ctx.connection()): BulkSender {
  const sender = new lesson.FastSender(connection, topic);
  ctx.onCleanup(() => sender.close());
  return sender;
}

/** What kafkajs's own words for a failed sendAll() mean in this lesson, and what to do. */
function explainSendFailure(lesson: Lesson07, ctx: CheckContext, thrown: unknown): Error {
  const error = asError(thrown);
  const message = error.message;
  if (/invalidates the idempotent producer's EoS/i.test(message)) {
    const asked = sendFailures(ctx.runId).find((f) => /EoS/.test(f.error.message))?.acks;
    return new Error(
      `sendAll() failed: kafkajs refuses to send with acks: ${asked ?? '0 or 1'} on an idempotent producer, before a single message leaves ("${message}"). Idempotence needs the answer of every in-sync replica: send with acks: -1`,
    );
  }
  if (/out of order sequence/i.test(message)) {
    return new Error(
      `sendAll() failed with kafkajs's "${message}". One idempotent producer with several sends in flight cannot survive a lost acknowledgement: kafkajs takes the lost request's sequence numbers back and hands them to the next request, which the broker then refuses. Give each lane its own idempotent producer, and let each lane send its batches one after the other (await each send before the next)`,
    );
  }
  if (/larger than the max message size/i.test(message)) {
    return new Error(
      `sendAll() failed: the broker refused a request as too large ("${message}"). One record batch may hold about 1 MB (message.max.bytes), and BATCH_SIZE is ${String(lesson.BATCH_SIZE)}: ${String(lesson.BATCH_SIZE)} messages of 100 bytes make about ${((positiveOr(lesson.BATCH_SIZE, 0) * 115) / 1e6).toFixed(1)} MB. Send each lane's list in consecutive slices of BATCH_SIZE, and keep BATCH_SIZE near 2000`,
    );
  }
  return new Error(`sendAll() failed: ${message}`);
}

/** sendAll(), with a failure told in the lesson's words. */
async function sendAll(lesson: Lesson07, ctx: CheckContext, sender: BulkSender, messages: readonly OutgoingMessage[]) {
  await sender.sendAll(messages).catch((thrown: unknown) => {
    throw explainSendFailure(lesson, ctx, thrown);
  });
}

/** kafkajs's reason for the first send of this run that failed, in the lesson's words. */
function firstFailedSend(lesson: Lesson07, ctx: CheckContext): string | undefined {
  const [failure] = sendFailures(ctx.runId);
  return failure && explainSendFailure(lesson, ctx, failure.error).message.replace(/^sendAll\(\) failed:? ?/, '');
}

/** Why sendAll() resolved with messages missing, when kafkajs said why: the error never reached the caller. */
function swallowedFailure(lesson: Lesson07, ctx: CheckContext): string | undefined {
  const reason = firstFailedSend(lesson, ctx);
  if (!reason) return undefined;
  return `a send failed (${reason}), and sendAll() resolved all the same, so its caller believes the messages are stored: either the error was caught, or the send was not awaited. Await every send and let its error reach the caller (no try/catch, or rethrow after logging)`;
}

/** Waits until every connection a sender opened is closed: a producer left connected keeps a program from exiting. */
async function untilClosed(watch: ProduceWatch, sender: string, what: string) {
  await waitFor(() => (watch.openConnections() === 0 ? true : undefined), {
    timeoutMs: 3000,
    expected: `every connection of the ${sender} to close after close()`,
    lastSeen: () => `${watch.openConnections()} still open`,
    likelyCause: `close() should ${what}: an open connection keeps the program from exiting`,
  });
}

/** Messages per second of one sendAll() of `count` fresh messages. */
async function rate(
  send: (messages: OutgoingMessage[]) => Promise<void>,
  count: number,
  label: string,
): Promise<number> {
  const messages = outgoing(count, label);
  const started = performance.now();
  await send(messages);
  return (count / (performance.now() - started)) * 1000;
}

async function storedCount(ctx: CheckContext, topic: string): Promise<number> {
  return [...(await ctx.endOffsets(topic)).values()].reduce((a, b) => a + b, 0);
}

const perSecond = (n: number) => `${Math.round(n).toLocaleString('en-US')} msg/s`;

const SAFE =
  'every message is stored once, byte for byte, and each key keeps its order, even when an acknowledgement is lost';
const ONE_MEGABYTE =
  "a list of more than 1 MB for one account gets through: each request stays under the broker's limit";
const REFUSED = 'when the broker refuses the messages, sendAll() fails instead of reporting success';
const ACKS = 'every request asks for acks: -1 (all in-sync replicas)';
const SPEED = `sends at least ${REQUIRED_SPEEDUP}× as many messages per second as one awaited send per message`;

const NO_CONNECTION = 'no produce request went through `connection`: create the client with new Kafka(connection)';

export const lesson07 = defineLesson<Lesson07>({
  id: 'lesson-07',
  checks: [
    {
      name: 'sendAll() resolves only once the broker has acknowledged every message',
      step: 3,
      // four producers to connect, on a laptop that may be busy: a hang is still reported
      timeoutMs: 20_000,
      async run(lesson, ctx) {
        const watch = watchProduceAcknowledgements();
        const sender = fastSender(lesson, ctx, ctx.name('transactions'), {
          ...ctx.connection(),
          socketFactory: watch.socketFactory,
        });
        const topic = await ctx.createTopic('transactions', 3);
        await sender.connect();
        // fewer than BATCH_SIZE (2000) even in one lane: every lane's only slice is a partial one
        const messages = outgoing(1501);
        await sendAll(lesson, ctx, sender, messages);
        const atResolve = { sent: watch.sent, unanswered: watch.unanswered };

        if (atResolve.sent === 0) {
          if (watch.connections === 0) expect.fail(NO_CONNECTION);
          const sentLater = await becomesTrue(() => watch.sent > 0 || sendFailures(ctx.runId).length > 0, 2000);
          const failed = firstFailedSend(lesson, ctx);
          if (failed) {
            expect.fail(
              `sendAll() resolved before its sends were done, and they failed: ${failed}. Await every send (for example with Promise.all over the lanes), so that an error reaches the caller`,
            );
          }
          expect.fail(
            sentLater
              ? 'sendAll() resolved before a single request had left for the broker: it does not wait for its sends. Await them all (for example with Promise.all) before returning'
              : `sendAll() resolved without sending anything: ${messages.length} messages, 0 requests. Here each lane holds fewer than BATCH_SIZE messages, so its last slice, a partial one, is its only one: a loop that sends only full slices sends nothing. Loop while start < queue.length`,
          );
        }
        if (watch.acks.includes(0)) {
          expect.fail(
            'sendAll() asked for acks: 0, so the broker never answers and nobody can know whether a message arrived. Send with acks: -1: the answer comes once every in-sync replica has the batch',
          );
        }
        if (atResolve.unanswered > 0) {
          expect.fail(
            `sendAll() resolved while ${atResolve.unanswered} of its ${atResolve.sent} requests still waited for the broker's answer: a message is only safe once acknowledged. Await every send before returning (for example with Promise.all over the lanes)`,
          );
        }
        const stored = await storedCount(ctx, topic);
        if (stored !== messages.length) {
          expect.fail(
            swallowedFailure(lesson, ctx) ??
              `only ${stored} of the ${messages.length} messages were stored when sendAll() resolved: send every message of every lane`,
          );
        }
        await sender.close();
        await untilClosed(watch, 'FastSender', "disconnect every lane's producer");
      },
    },
    {
      name: SAFE,
      timeoutMs: 30_000,
      step: 2,
      async run(lesson, ctx) {
        // the broker stores the first batch, but its answer says "not the leader", as during a change of
        // leader: kafkajs retries the batch while the other sends go on
        const watch = watchProduceAcknowledgements({ firstAnswer: 'not-leader' });
        const sender = fastSender(lesson, ctx, ctx.name('transactions'), {
          ...ctx.connection(),
          socketFactory: watch.socketFactory,
        });
        const topic = await ctx.createTopic('transactions', 3);
        await sender.connect();
        // every lane gets several batches: the hazards of batches in flight side by side show only then
        const messages = outgoing(manyFor(lesson));
        await sendAll(lesson, ctx, sender, messages);
        const atResolve = { sent: watch.sent, unanswered: watch.unanswered };
        const landed = await ctx.readAll(topic, 15_000);

        const sentValues = new Set(messages.map((m) => m.value.toString()));
        const landedValues = landed.map((m) => m.value?.toString('utf8') ?? '');
        const landedSet = new Set(landedValues);
        const missing = messages.filter((m) => !landedSet.has(m.value.toString()));
        if (missing.length > 0) {
          if (atResolve.unanswered > 0 || atResolve.sent === 0) {
            expect.fail(
              `sendAll() resolved ${atResolve.sent === 0 ? 'before a single request had left for the broker' : `while ${atResolve.unanswered} of its requests still waited for the broker's answer`}, and ${missing.length} of the ${messages.length} messages were not on the topic when the check read it: sendAll() does not wait for its sends. Await every send (Promise.all over the lanes, await inside each lane)`,
            );
          }
          const swallowed = swallowedFailure(lesson, ctx);
          if (swallowed)
            expect.fail(`${missing.length} of the ${messages.length} messages never arrived: ${swallowed}`);
          // the classic: the loop stops at the last full batch, so each key loses its newest messages
          const lost = new Set(missing);
          const lastOnes = missing.every((m) =>
            messages.every(
              (x) => x.key !== m.key || sequenceOf(x.value as Buffer) < sequenceOf(m.value as Buffer) || lost.has(x),
            ),
          );
          expect.fail(
            `${missing.length} of the ${messages.length} messages never arrived${lastOnes ? ', and every key that lost messages lost its last ones: the last batch of a lane is usually a partial one (here the list is not a multiple of the batch size). Send it too: loop while start < queue.length' : ''}`,
          );
        }
        const strangers = landedValues.filter((value) => !sentValues.has(value));
        expect(
          strangers.length,
          `${strangers.length} stored message(s) differ from anything sent: send each value as it is`,
        ).toBe(0);
        expect(
          landed.length,
          `the topic holds ${landed.length} messages for ${messages.length} sent: a lost acknowledgement made kafkajs send a batch again, and the broker stored it twice. With idempotent: true (lesson 06) it recognises the repeat`,
        ).toBe(messages.length);

        const byKey = new Map<string, typeof landed>();
        for (const message of landed) {
          const key = message.key ?? 'null';
          const ofKey = byKey.get(key);
          if (ofKey) ofKey.push(message);
          else byKey.set(key, [message]);
        }
        for (const [key, ofKey] of byKey) {
          const partitions = [...new Set(ofKey.map((m) => m.partition))];
          expect(
            partitions,
            `the messages of key ${key} landed on partitions ${partitions.join(', ')}: a key's messages stay in order only within one partition. Give each message its key and let the partitioner choose`,
          ).toHaveLength(1);
          const sequence = ofKey.map((m) => sequenceOf(m.value));
          const outOfOrder = sequence.findIndex((n, i) => i > 0 && n < sequence[i - 1]!);
          expect(
            outOfOrder,
            `key ${key}: its message #${sequence[outOfOrder]} was stored after #${sequence[outOfOrder - 1]}. A key's batches must go one after the other: a batch in flight beside an earlier one of the same key overtakes it whenever the earlier one needs a retry. Give each key a lane (all its messages, in order, sent batch after batch, each send awaited before the next) and run the lanes side by side`,
          ).toBe(-1);
        }
      },
    },
    {
      name: ONE_MEGABYTE,
      timeoutMs: 30_000,
      step: 3,
      async run(lesson, ctx) {
        const sender = fastSender(lesson, ctx, ctx.name('one-account'));
        // the broker's default, said out loud: a broker set up differently must not change the lesson
        const topic = await ctx.createTopic('one-account', 1, { 'max.message.bytes': String(BROKER_BATCH_LIMIT) });
        await sender.connect();
        // one account: every message goes to the same lane and the same partition
        const messages = outgoing(ONE_ACCOUNT, 'one-account', 1, ONE_ACCOUNT_BYTES);
        await sendAll(lesson, ctx, sender, messages);
        const stored = await storedCount(ctx, topic);
        if (stored !== messages.length) {
          expect.fail(
            swallowedFailure(lesson, ctx) ??
              `only ${stored} of the ${messages.length} messages of one account were stored when sendAll() resolved: send the whole lane, slice after slice`,
          );
        }
      },
    },
    {
      name: REFUSED,
      step: 3,
      timeoutMs: 20_000,
      async run(lesson, ctx) {
        const sender = fastSender(lesson, ctx, ctx.name('refusing'));
        // a topic that takes no record batch at all: every send is refused at once (MESSAGE_TOO_LARGE)
        const topic = await ctx.createTopic('refusing', 3, { 'max.message.bytes': '1' });
        await sender.connect();
        const outcome = await within(
          sender.sendAll(outgoing(500, 'refused')).then(
            () => 'resolved' as const,
            (error: unknown) => asError(error),
          ),
          8000,
          'sendAll() neither succeeded nor failed within 8 s while the broker refused every message: a send that fails must reach the caller',
        );
        if (outcome !== 'resolved') return;
        const stored = await storedCount(ctx, topic);
        const [failure] = sendFailures(ctx.runId);
        const refused = failure && /larger than the max message size/i.test(failure.error.message);
        expect.fail(
          refused
            ? `sendAll() resolved, but the broker refused the messages (kafkajs said "${failure.error.message}") and ${stored} are stored. The error never reached the caller, who now believes every message is safe: either it was caught, or the send was not awaited. Await every send and let its error reach the caller (no try/catch, or rethrow after logging)`
            : (swallowedFailure(lesson, ctx) ??
                `sendAll() resolved, but the broker refuses every message here and ${stored} are stored, and none of its sends had failed yet: it does not wait for its sends. Await every send before returning`),
        );
      },
    },
    {
      name: ACKS,
      step: 3,
      timeoutMs: 20_000,
      async run(lesson, ctx) {
        const watch = watchProduceAcknowledgements();
        const sender = fastSender(lesson, ctx, ctx.name('transactions'), {
          ...ctx.connection(),
          socketFactory: watch.socketFactory,
        });
        await ctx.createTopic('transactions', 3);
        await sender.connect();
        await sendAll(lesson, ctx, sender, outgoing(500));
        if (watch.sent === 0) {
          await becomesTrue(() => watch.sent > 0 || sendFailures(ctx.runId).length > 0, 2000);
          const failed = firstFailedSend(lesson, ctx);
          if (failed) expect.fail(`sendAll() resolved, and its sends failed: ${failed}`);
          if (watch.connections === 0) expect.fail(NO_CONNECTION);
        }
        if (watch.sent === 0)
          expect.fail("sendAll() resolved without sending a single request: send every lane's messages");
        const acks = watch.acks;
        expect(
          acks,
          `the broker was asked for acks ${acks.join(', ')}. The speed must come from batching, not from weaker promises: with acks 1 a message the leader loses before a replica has it is gone, and with 0 nobody even answers. Send with acks: -1`,
        ).toEqual([-1]);
      },
    },
    {
      name: SPEED,
      step: 3,
      // the other checks' 30 s at most, then its own race
      timeoutMs: 50_000,
      async run(lesson, ctx) {
        const fast = fastSender(lesson, ctx, ctx.name('fast'));
        const naiveWatch = watchProduceAcknowledgements();
        const naive = new OneByOneSender(
          { ...ctx.connection('check-naive'), socketFactory: naiveWatch.socketFactory },
          ctx.name('naive'),
        );
        ctx.onCleanup(() => naive.close());
        const [fastTopic] = await Promise.all([ctx.createTopic('fast', 3), ctx.createTopic('naive', 3)]);
        await Promise.all([fast.connect(), naive.connect()]);
        // the first send of a client fetches metadata: not part of the race
        await sendAll(lesson, ctx, fast, outgoing(10, 'warm-up'));
        await naive.sendAll(outgoing(10, 'warm-up'));

        let sentFast = 10;
        const measured = async (count: number, label: string) => {
          const measuredRate = await rate((m) => sendAll(lesson, ctx, fast, m), count, label);
          sentFast += count;
          // a sendAll() that returns before its messages are stored is fast at nothing
          const stored = await storedCount(ctx, fastTopic);
          if (stored < sentFast) {
            expect.fail(
              swallowedFailure(lesson, ctx) ??
                `sendAll() resolved when ${stored} of the ${sentFast} messages it was given were stored: its speed measures nothing. Await every send before returning`,
            );
          }
          return measuredRate;
        };
        // a race is only fair on a quiet track: it starts once the lesson's other checks are over
        const { naiveRate, fastRate } = await ctx.whenAlone(async () => {
          // the best of a few short runs of each, measured here and now: a ratio, so a slow machine is fair to both
          let naiveRate = 0;
          for (const run of [1, 2])
            naiveRate = Math.max(naiveRate, await rate((m) => naive.sendAll(m), 100, `naive-${run}`));
          // a short first run tells a batching sender from one that is not even twice as fast, which
          // would take long to send the full runs; then up to three tries for one caught by a hiccup
          let fastRate = await measured(300, 'fast-probe-1');
          // a probe this short is a tenth of a second, which one hiccup of a busy machine can fill
          if (fastRate < 2 * naiveRate) fastRate = Math.max(fastRate, await measured(300, 'fast-probe-2'));
          for (let run = 1; run <= 3 && fastRate < REQUIRED_SPEEDUP * naiveRate && fastRate >= 2 * naiveRate; run++) {
            fastRate = Math.max(fastRate, await measured(3000, `fast-${run}`));
          }
          return { naiveRate, fastRate };
        });

        // the race compares batching, not promises: the starting point waits for every in-sync replica too
        expect(
          naiveWatch.acks,
          `the starting point, OneByOneSender, asked for acks ${naiveWatch.acks.join(', ')}: a race against weaker promises says nothing about batching. It sends with acks: -1, as in lesson 01`,
        ).toEqual([-1]);
        // the starting point is given code: it must still tidy up after itself
        await naive.close();
        await untilClosed(naiveWatch, 'OneByOneSender', 'disconnect its producer');

        const ratio = fastRate / naiveRate;
        expect(
          ratio,
          `FastSender sent ${perSecond(fastRate)}; one awaited send per message managed ${perSecond(naiveRate)} on this machine just now: ${ratio.toFixed(1)}×, and this lesson asks for ${REQUIRED_SPEEDUP}×. Each awaited send waits a whole round trip to the broker: put many messages in each request (one send with a messages array, or sendBatch), and keep a few requests in flight`,
        ).toBeGreaterThanOrEqual(REQUIRED_SPEEDUP);
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'forgets-to-await',
      rejectedBy: 'sendAll() resolves only once the broker has acknowledged every message',
      teaches: /resolved before a single request had left.*Await them all/,
    },
    {
      fixture: 'full-slices-only',
      rejectedBy: 'sendAll() resolves only once the broker has acknowledged every message',
      teaches: /resolved without sending anything.*Loop while start < queue\.length/,
    },
    {
      fixture: 'acks-zero',
      rejectedBy: 'sendAll() resolves only once the broker has acknowledged every message',
      teaches: /acks: 0, so the broker never answers.*acks: -1/,
    },
    {
      fixture: 'drops-the-last-batch',
      rejectedBy: SAFE,
      teaches: /never arrived, and every key that lost messages lost its last ones.*partial/,
    },
    {
      fixture: 'lanes-not-awaited',
      rejectedBy: SAFE,
      teaches: /(before a single request had left|still waited for the broker's answer).*does not wait for its sends/,
    },
    {
      fixture: 'stripes-batches',
      rejectedBy: SAFE,
      teaches: /was stored after #\d+\. A key's batches must go one after the other/,
    },
    {
      fixture: 'spreads-keys',
      rejectedBy: SAFE,
      teaches: /landed on partitions 0, 1, 2.*let the partitioner choose/,
    },
    {
      fixture: 'one-producer-many-sends',
      rejectedBy: SAFE,
      teaches: /out of order sequence number.*own idempotent producer/,
    },
    {
      fixture: 'lane-sends-all-at-once',
      rejectedBy: SAFE,
      teaches: /out of order sequence number.*one after the other|A key's batches must go one after the other/,
    },
    {
      fixture: 'lanes-without-idempotence',
      rejectedBy: SAFE,
      teaches: /stored it twice\. With idempotent: true/,
    },
    {
      fixture: 'no-slicing',
      rejectedBy: ONE_MEGABYTE,
      teaches: /refused a request as too large.*consecutive slices of BATCH_SIZE/,
    },
    {
      fixture: 'swallows-send-error',
      rejectedBy: REFUSED,
      teaches: /refused the messages.*never reached the caller.*let its error reach the caller/,
    },
    {
      fixture: 'acks-one-idempotent',
      rejectedBy: ACKS,
      teaches: /acks: 1 on an idempotent producer.*send with acks: -1/,
    },
    {
      fixture: 'acks-one',
      rejectedBy: ACKS,
      teaches: /asked for acks 1.*Send with acks: -1/,
    },
    {
      fixture: 'awaits-each-send',
      rejectedBy: SPEED,
      teaches: /this lesson asks for 10×.*many messages in each request/,
    },
  ],
  correctVariants: ['send-batch', 'promise-chain-lanes', 'bigger-batches-fewer-lanes'],
});

registerLesson(lesson07);
