import { expect } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Lesson from '../solutions/01-producer-basics/producer.ts';
import type { CheckContext } from './support/context.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { becomesTrue } from './support/wait.ts';
import { wireTap } from './support/wire-tap.ts';

type Lesson01 = typeof Lesson;

/** The learner's producer, always closed after the check even when the check fails. */
async function connectedProducer(lesson: Lesson01, ctx: CheckContext, topic: string, connection = ctx.connection()) {
  const producer = new lesson.TransactionProducer(connection, topic);
  ctx.onCleanup(() => producer.close());
  await producer.connect();
  return producer;
}

function parseJson(value: Buffer | null): unknown {
  const text = value?.toString('utf8') ?? 'null';
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the message value is not JSON: ${JSON.stringify(text.slice(0, 60))}. serialize() should return JSON.stringify(tx).`);
  }
}

export const lesson01 = defineLesson<Lesson01>({
  id: 'lesson-01',
  slug: '01-producer-basics',
  files: ['producer.ts'],
  checks: [
    {
      name: 'serialize() turns a transaction into JSON with every field',
      async run(lesson, ctx) {
        const producer = new lesson.TransactionProducer(ctx.connection(), ctx.name('unused'));
        const [tx] = generateTransactions(1, { seed: 1 }) as [Transaction];
        const decoded = parseJson(Buffer.from(producer.serialize(tx)));
        const missing = Object.keys(tx).filter((field) => !(field in (decoded as object)));
        expect(missing, `serialize() lost these fields: ${missing.join(', ')}`).toEqual([]);
        expect(decoded, 'serialize() changed a field on the way: JSON.stringify keeps them all as they are').toEqual(tx);
      },
    },
    {
      name: 'send() stores each transaction on the topic, field for field',
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions');
        const producer = await connectedProducer(lesson, ctx, topic);
        const sent = generateTransactions(3, { seed: 2 });
        for (const tx of sent) await producer.send(tx);
        const landed = await ctx.readAll(topic);
        expect(landed.length, `expected the 3 sent transactions on the topic, found ${landed.length}: is send() awaiting producer.send?`).toBe(3);
        expect(landed.map((m) => parseJson(m.value)), 'what landed on the topic differs from what was sent').toEqual(sent);
      },
    },
    {
      name: 'send() returns the partition and offset where the message landed',
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions', 2);
        const producer = await connectedProducer(lesson, ctx, topic);
        const sent = generateTransactions(4, { seed: 3 });
        const deliveries: Lesson.Delivery[] = [];
        for (const tx of sent) {
          const delivery = await producer.send(tx, String(tx.account));
          expect(delivery, 'send() returned nothing: await producer.send(...) and return the partition and offset from its result').toBeTruthy();
          deliveries.push(delivery);
        }
        const landed = await ctx.readAll(topic);
        sent.forEach((tx, i) => {
          const { partition, offset, topic: reported } = deliveries[i]!;
          expect(reported, 'the delivery names another topic').toBe(topic);
          const found = landed.find((m) => m.partition === partition && m.offset === String(offset));
          expect(found, `send() said ${tx.transaction_id} landed at partition ${partition}, offset ${offset}, but nothing is there`).toBeDefined();
          expect(parseJson(found!.value), `partition ${partition}, offset ${offset} holds another transaction than the one send() reported`).toEqual(tx);
        });
      },
    },
    {
      name: 'send() waits for all in-sync replicas (acks: -1)',
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions');
        const tap = wireTap();
        const producer = await connectedProducer(lesson, ctx, topic, { ...ctx.connection(), socketFactory: tap.socketFactory });
        await producer.send(generateTransactions(1, { seed: 4 })[0]!);
        expect(tap.produceRequests.length, 'no produce request reached the broker through `connection`: create the client with new Kafka(connection)').toBeGreaterThan(0);
        const acks = [...new Set(tap.produceRequests.map((request) => request.acks))];
        expect(
          acks,
          `the broker was asked for acks ${acks.join(', ')}. With acks: 1 the leader answers before any replica has a copy, and with 0 nobody answers at all: send with acks: -1 so all in-sync replicas have it.`,
        ).toEqual([-1]);
      },
    },
    {
      name: 'close() really disconnects from the broker',
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions');
        const tap = wireTap();
        const producer = new lesson.TransactionProducer({ ...ctx.connection(), socketFactory: tap.socketFactory }, topic);
        await producer.connect();
        await producer.send(generateTransactions(1, { seed: 5 })[0]!);
        expect(tap.openConnections(), 'connect() and send() opened no connection through `connection`: create the client with new Kafka(connection)').toBeGreaterThan(0);
        await producer.close();
        // a socket closes a moment after disconnect() returns; give it that moment, no more
        const allClosed = await becomesTrue(() => tap.openConnections() === 0, 1000);
        expect(allClosed, `close() left ${tap.openConnections()} connection(s) to the broker open: call producer.disconnect()`).toBe(true);
      },
    },
  ],
  wrongAnswers: [
    { fixture: 'string-instead-of-json', rejectedBy: 'serialize() turns a transaction into JSON with every field', teaches: /not JSON.*JSON\.stringify/ },
    { fixture: 'loses-fields', rejectedBy: 'serialize() turns a transaction into JSON with every field', teaches: /lost these fields: timestamp, transaction_id/ },
    { fixture: 'send-without-await', rejectedBy: 'send() returns the partition and offset where the message landed', teaches: /returned nothing: await producer\.send/ },
    { fixture: 'acks-one', rejectedBy: 'send() waits for all in-sync replicas (acks: -1)', teaches: /acks: -1/ },
    { fixture: 'close-forgets-disconnect', rejectedBy: 'close() really disconnects from the broker', teaches: /close\(\) left \d+ connection\(s\) to the broker open: call producer\.disconnect\(\)/ },
  ],
});

registerLesson(lesson01);
