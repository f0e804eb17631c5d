import { expect } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Lesson from '../solutions/01-producer-basics/producer.ts';
import type { CheckContext, ReadMessage } from './support/context.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { printable } from './support/printable.ts';
import { clientsMadeWith } from './support/tracked-kafkajs.ts';
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

/** The learner's send(), with kafkajs's own complaints turned into what to do about them. */
async function send(producer: Lesson.TransactionProducer, tx: Transaction, key?: string): Promise<Lesson.Delivery> {
  try {
    return await producer.send(tx, key);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/producer is disconnected/.test(message))
      throw new Error(
        `send() failed with kafkajs's "${message}": connect() must await this.producer.connect() before the first send`,
        { cause: error },
      );
    if (/invalidates the idempotent producer/.test(message))
      throw new Error(
        `send() failed: kafkajs refuses any acks but -1 on an idempotent producer ("${message}"). A bank waits for all in-sync replicas: send with acks: -1`,
        { cause: error },
      );
    throw error;
  }
}

function parseJson(value: Buffer | null): unknown {
  const text = value?.toString('utf8') ?? 'null';
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(
      `the message value is not JSON: ${printable(value, 60)}. serialize() should return JSON.stringify(tx).`,
    );
  }
}

/** "amount: 150.5 became "150.50"; type: "deposit" is missing" */
function fieldDifferences(sent: Transaction, decoded: unknown): string {
  const got = (decoded ?? {}) as Record<string, unknown>;
  return Object.entries(sent)
    .filter(([field, value]) => JSON.stringify(got[field]) !== JSON.stringify(value))
    .map(([field, value]) =>
      field in got
        ? `${field}: ${JSON.stringify(value)} became ${JSON.stringify(got[field])}`
        : `${field}: ${JSON.stringify(value)} is missing`,
    )
    .join('; ');
}

/** What a key looks like to a learner: no key, or the key in quotes. */
const describeKey = (key: string | null | undefined) =>
  key === null || key === undefined ? 'no key' : `the key ${printable(key)}`;

export const lesson01 = defineLesson<Lesson01>({
  id: 'lesson-01',
  checks: [
    {
      name: 'serialize() turns a transaction into JSON with every field',
      step: 3,
      async run(lesson, ctx) {
        const producer = new lesson.TransactionProducer(ctx.connection(), ctx.name('unused'));
        const [tx] = generateTransactions(1, { seed: 1 }) as [Transaction];
        const decoded = parseJson(Buffer.from(producer.serialize(tx)));
        const fields: object = typeof decoded === 'object' && decoded !== null ? decoded : {};
        const missing = Object.keys(tx).filter((field) => !(field in fields));
        expect(
          missing,
          `serialize() lost these fields: ${missing.join(', ')}. JSON.stringify(tx) keeps them all`,
        ).toEqual([]);
        const changed = fieldDifferences(tx, decoded);
        expect(
          changed,
          `serialize() changed a field on the way (${changed}): JSON.stringify(tx) keeps them as they are`,
        ).toBe('');
      },
    },
    {
      name: 'send() stores each transaction on the topic, field for field, with its key',
      step: 4,
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions');
        const producer = await connectedProducer(lesson, ctx, topic);
        const sent = generateTransactions(3, { seed: 2 });
        // the second one goes without a key: send() must then send none, not the text "undefined"
        const keys = [String(sent[0]!.account), undefined, String(sent[2]!.account)];
        const deliveries: Array<Lesson.Delivery | undefined> = [];
        for (const [i, tx] of sent.entries()) deliveries.push(await send(producer, tx, keys[i]));
        const landed = await ctx.readAll(topic);
        if (landed.length === 0) {
          const elsewhere = deliveries.find((d) => d?.topic !== undefined && d.topic !== topic)?.topic;
          throw new Error(
            elsewhere
              ? `nothing landed on the check's topic ${topic}, and send() said it wrote to ${elsewhere}: send to this.topic, the topic the constructor was given`
              : `send() returned, but none of the 3 transactions is on the topic: await this.producer.send({ topic: this.topic, messages: [...] }) inside send()`,
          );
        }
        expect(
          landed.length,
          `${landed.length} messages landed on the topic for 3 sends: each send() writes its one transaction, once`,
        ).toBe(3);
        sent.forEach((tx, i) => {
          const message = landed.find((m) => transactionId(m) === tx.transaction_id);
          expect(
            message,
            `${tx.transaction_id} is not on the topic: is send() writing serialize(tx) as the value?`,
          ).toBeDefined();
          const changed = fieldDifferences(tx, parseJson(message!.value));
          expect(changed, `${tx.transaction_id} landed changed (${changed}): its value should be serialize(tx)`).toBe(
            '',
          );
          expect(
            message!.key,
            keys[i] === undefined
              ? `send(tx) without a key stored ${describeKey(message!.key)}: pass key on as it is (undefined becomes no key), never String(key)`
              : `send(tx, ${printable(keys[i])}) stored ${describeKey(message!.key)}: put key on the message, { key, value }`,
          ).toBe(keys[i] ?? null);
        });
      },
    },
    {
      name: 'send() returns the partition and offset where the message landed',
      step: 4,
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions', 2);
        const producer = await connectedProducer(lesson, ctx, topic);
        const sent = generateTransactions(4, { seed: 3 });
        const deliveries: Lesson.Delivery[] = [];
        for (const tx of sent) {
          const delivery = await send(producer, tx, String(tx.account));
          expect(
            delivery,
            'send() returned nothing: await producer.send(...) and return the partition and offset from its result',
          ).toBeTruthy();
          expect(
            typeof delivery.offset === 'string' && /^\d+$/.test(delivery.offset),
            `send() returned offset ${printable(String(delivery.offset))}: kafkajs's result has the message's offset in baseOffset (its offset field stays undefined). Return { topic: result.topicName, partition: result.partition, offset: result.baseOffset }`,
          ).toBe(true);
          deliveries.push(delivery);
        }
        const landed = await ctx.readAll(topic);
        sent.forEach((tx, i) => {
          const { partition, offset, topic: reported } = deliveries[i]!;
          expect(
            reported,
            `send() said ${tx.transaction_id} went to topic ${printable(String(reported))}, but it was sent to ${topic}: return result.topicName`,
          ).toBe(topic);
          const found = landed.find((m) => m.partition === partition && m.offset === String(offset));
          const actual = landed.find((m) => transactionId(m) === tx.transaction_id);
          expect(
            found,
            `send() said ${tx.transaction_id} landed at partition ${partition}, offset ${offset}, but nothing is there${actual ? `; it is at partition ${actual.partition}, offset ${actual.offset}` : ''}: return result.partition and result.baseOffset`,
          ).toBeDefined();
          expect(
            transactionId(found!),
            `partition ${partition}, offset ${offset} holds ${transactionId(found!) ?? 'another message'}, not ${tx.transaction_id}, which send() said it was${actual ? `; that one is at partition ${actual.partition}, offset ${actual.offset}` : ''}: return result.partition and result.baseOffset`,
          ).toBe(tx.transaction_id);
        });
      },
    },
    {
      name: 'send() waits for all in-sync replicas (acks: -1)',
      step: 4,
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions');
        const tap = wireTap();
        const producer = await connectedProducer(lesson, ctx, topic, {
          ...ctx.connection(),
          socketFactory: tap.socketFactory,
        });
        await send(producer, generateTransactions(1, { seed: 4 })[0]!);
        if (tap.produceRequests.length === 0) {
          const landed = await ctx.readAll(topic);
          throw new Error(
            landed.length > 0
              ? 'the transaction landed, but not through `connection`: create the client with new Kafka(connection) as it is, which carries the check’s connection settings'
              : 'send() returned without sending anything: await this.producer.send(...) inside send()',
          );
        }
        const acks = [...new Set(tap.produceRequests.map((request) => request.acks))];
        expect(
          acks,
          `the broker was asked for acks ${acks.join(', ')}. With acks: 1 the leader answers before any replica has a copy, and with 0 nobody answers at all: send with acks: -1 so all in-sync replicas have it.`,
        ).toEqual([-1]);
      },
    },
    {
      name: 'close() really disconnects from the broker, before it returns',
      step: 5,
      async run(lesson, ctx) {
        const topic = await ctx.createTopic('transactions');
        const tap = wireTap();
        const producer = new lesson.TransactionProducer(
          { ...ctx.connection(), socketFactory: tap.socketFactory },
          topic,
        );
        await producer.connect();
        await send(producer, generateTransactions(1, { seed: 5 })[0]!);
        expect(
          tap.openConnections(),
          'connect() and send() opened no connection through `connection`: create the client with new Kafka(connection)',
        ).toBeGreaterThan(0);
        const producers = clientsMadeWith(ctx.runId).filter((made) => made.kind === 'producer');
        const disconnected = new Set<unknown>();
        for (const made of producers)
          made.client.on(made.client.events.DISCONNECT, () => disconnected.add(made.client));
        await producer.close();
        const stillConnected = producers.filter((made) => !disconnected.has(made.client)).length;
        // a socket closes a moment after disconnect() returns; give it that moment, no more
        const allClosed = await becomesTrue(() => tap.openConnections() === 0, 1000);
        expect(
          allClosed,
          `close() left ${tap.openConnections()} connection(s) to the broker open, so Node.js cannot exit: call producer.disconnect() in close()`,
        ).toBe(true);
        expect(
          stillConnected,
          'close() returned before the producer had finished disconnecting: await this.producer.disconnect(), so a caller that exits right after close() loses nothing',
        ).toBe(0);
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'string-instead-of-json',
      rejectedBy: 'serialize() turns a transaction into JSON with every field',
      teaches: /not JSON: "\[object Object\]".*JSON\.stringify/,
    },
    {
      fixture: 'loses-fields',
      rejectedBy: 'serialize() turns a transaction into JSON with every field',
      teaches: /lost these fields: timestamp, transaction_id/,
    },
    {
      fixture: 'amount-as-text',
      rejectedBy: 'serialize() turns a transaction into JSON with every field',
      teaches: /changed a field on the way \(amount: -?[\d.]+ became "-?[\d.]+"\)/,
    },
    {
      fixture: 'send-without-await',
      rejectedBy: 'send() returns the partition and offset where the message landed',
      teaches: /returned nothing: await producer\.send/,
    },
    {
      fixture: 'returns-result-offset',
      rejectedBy: 'send() returns the partition and offset where the message landed',
      teaches: /returned offset "undefined": kafkajs's result has the message's offset in baseOffset/,
    },
    {
      fixture: 'forgets-key',
      rejectedBy: 'send() stores each transaction on the topic, field for field, with its key',
      teaches: /send\(tx, "\d+"\) stored no key: put key on the message/,
    },
    {
      fixture: 'key-as-string',
      rejectedBy: 'send() stores each transaction on the topic, field for field, with its key',
      teaches: /send\(tx\) without a key stored the key "undefined": pass key on as it is/,
    },
    {
      fixture: 'never-connects',
      rejectedBy: 'send() stores each transaction on the topic, field for field, with its key',
      teaches: /connect\(\) must await this\.producer\.connect\(\)/,
    },
    { fixture: 'acks-one', rejectedBy: 'send() waits for all in-sync replicas (acks: -1)', teaches: /acks: -1/ },
    {
      fixture: 'acks-zero',
      rejectedBy: 'send() waits for all in-sync replicas (acks: -1)',
      teaches: /asked for acks 0\. .*send with acks: -1/,
    },
    {
      fixture: 'idempotent-acks-one',
      rejectedBy: 'send() waits for all in-sync replicas (acks: -1)',
      teaches: /kafkajs refuses any acks but -1 on an idempotent producer.*send with acks: -1/,
    },
    {
      fixture: 'close-forgets-disconnect',
      rejectedBy: 'close() really disconnects from the broker, before it returns',
      teaches: /close\(\) left \d+ connection\(s\) to the broker open, so Node\.js cannot exit/,
    },
    {
      fixture: 'close-without-await',
      rejectedBy: 'close() really disconnects from the broker, before it returns',
      teaches:
        /close\(\) returned before the producer had finished disconnecting: await this\.producer\.disconnect\(\)/,
    },
  ],
  correctVariants: ['send-batch', 'kafkajs-defaults'],
});

function transactionId(message: ReadMessage): string | undefined {
  try {
    return (JSON.parse(message.value?.toString('utf8') ?? 'null') as Partial<Transaction> | null)?.transaction_id;
  } catch {
    return undefined;
  }
}

registerLesson(lesson01);
