import avro from 'avsc';
import { expect } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import { freePort } from '../workshop/broker/ports.ts';
import type * as Consumer from '../solutions/09-schemas-and-evolution/consumer.ts';
import type * as Producer from '../solutions/09-schemas-and-evolution/producer.ts';
import type * as Schemas from '../solutions/09-schemas-and-evolution/schemas.ts';
import { ConsumerWatch, SLOW_CONSUMER_TIMEOUT_MS, todoWithin } from './support/consumer-watch.ts';
import type { CheckContext } from './support/context.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { sendMessages } from './support/produce.ts';
import { CheckRegistry } from './support/registry.ts';
import { waitFor } from './support/wait.ts';

type Lesson09 = typeof Schemas & typeof Producer & typeof Consumer;
type RecordSchema = Schemas.RecordSchema;
type Where = Consumer.MessagePosition;

const sample = (count: number, seed: number) => generateTransactions(count, { seed, accounts: 12 });
/** Amounts a careless type would change: more digits than a float keeps, a cent, the largest account. */
const edgeCases = (tx: Transaction): Transaction[] => [
  { ...tx, amount: 123456.78 },
  { ...tx, amount: -0.01, type: 'withdrawal' },
  { ...tx, account: 5000, amount: 4999.99 },
];

/** The learner's schema as avsc reads it: a schema Avro cannot read fails here, with Avro's reason. */
function parse(schema: RecordSchema, what: string): avro.Type {
  try {
    return avro.Type.forSchema(schema as avro.Schema);
  } catch (error) {
    throw new Error(`${what} is not a valid Avro schema: ${(error as Error).message}`, { cause: error });
  }
}

/** The first field where two transactions differ, said the way a learner can act on. */
function firstDifference(sent: object, read: object): string | undefined {
  for (const [field, value] of Object.entries(sent)) {
    const got = (read as Record<string, unknown>)[field];
    if (got !== value) return `${field} ${JSON.stringify(value)} came back as ${JSON.stringify(got)}`;
  }
  return undefined;
}

const plain = (record: unknown) => ({ ...(record as object) });
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** A fresh topic, the run's registry (through the recording tap) and the subject the lesson uses. */
async function setUp(ctx: CheckContext, partitions = 1) {
  const topic = await ctx.createTopic('transactions', partitions);
  const registry = new CheckRegistry(ctx);
  const subject = registry.own(`${topic}-value`);
  return { topic, registry, subject, connection: await registry.connection() };
}

async function producerFor(
  lesson: Lesson09,
  ctx: CheckContext,
  setup: Awaited<ReturnType<typeof setUp>>,
  schema: RecordSchema,
  label = 'producer',
) {
  const producer = new lesson.AvroTransactionProducer({
    connection: ctx.connection(label),
    registry: setup.connection,
    topic: setup.topic,
    schema,
  });
  ctx.onCleanup(() => producer.close());
  return producer;
}

/** One of the learner's consumers, reading the whole topic in a group of its own. */
function consumerFor(
  lesson: Lesson09,
  ctx: CheckContext,
  setup: Awaited<ReturnType<typeof setUp>>,
  readerSchema: RecordSchema,
  label: string,
) {
  const seen: Array<{ tx: Schemas.TransactionV2; where: Where }> = [];
  const malformed: Array<{ error: Error; where: Where }> = [];
  const consumer = new lesson.AvroTransactionConsumer<Schemas.TransactionV2>({
    connection: ctx.connection(label),
    registry: setup.connection,
    topic: setup.topic,
    groupId: ctx.name(label),
    readerSchema,
    fromBeginning: true,
    onTransaction: (tx, where) => void seen.push({ tx, where }),
    onMalformed: (error, where) => void malformed.push({ error, where }),
  });
  ctx.onCleanup(() => consumer.stop());
  // a handler that rejects makes kafkajs deliver the message again and again, then crash
  const watch = new ConsumerWatch(consumer.consumer, setup.topic);
  const until = (count: number, expected: string) =>
    waitFor(
      () => {
        const failed = watch.crash;
        const todo = failed && todoWithin(failed);
        if (todo) throw todo;
        if (failed)
          throw new Error(
            `the consumer stopped on "${failed.message}" after ${seen.length} transactions and ${malformed.length} malformed messages. With the registry up, a message the consumer cannot read is malformed: when the registry answered and Avro cannot read the bytes with the schema it gave, throw a MalformedTransactionError (step 4)`,
            { cause: failed },
          );
        return seen.length + malformed.length >= count ? true : undefined;
      },
      {
        timeoutMs: 15_000,
        expected,
        likelyCause:
          'the consumer does not hand every message to onTransaction or onMalformed: decode each one through the registry, and count what is not Avro from it',
        lastSeen: () =>
          `${seen.length} transactions and ${malformed.length} malformed messages${malformed[0] ? ` (the first: ${malformed[0].error.message})` : ''}`,
      },
    );
  return { consumer, seen, malformed, until };
}

/** A message in the Confluent wire format, written by the check: magic byte 0, the id, the Avro bytes. */
function frame(id: number, type: avro.Type, tx: object): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, type.toBuffer(tx)]);
}

/** Where nothing listens, asked once: an outage of the registry, as the code under test meets it. */
async function unansweredRegistry() {
  return { host: `http://127.0.0.1:${await freePort()}`, retry: { retries: 0 } };
}

/** The error a promise rejects with, or undefined when it resolves. */
function rejection(promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
}

export const lesson09 = defineLesson<Lesson09>({
  id: 'lesson-09',
  checks: [
    {
      name: 'the schema writes and reads back every transaction, field for field',
      step: 1,
      async run(lesson) {
        const type = parse(lesson.transactionSchemaV1(), 'transactionSchemaV1()');
        const transactions = sample(100, 901);
        for (const tx of [...transactions, ...edgeCases(transactions[0]!)]) {
          let read: object;
          try {
            read = plain(type.fromBuffer(type.toBuffer(tx)));
          } catch (error) {
            throw new Error(
              `the schema cannot write transaction ${JSON.stringify(tx)}: ${(error as Error).message}. It needs the five fields of a Transaction, with types that fit their values`,
              { cause: error },
            );
          }
          const difference = firstDifference(tx, read);
          expect(
            difference,
            `${tx.transaction_id}: ${difference}. ${/amount/.test(difference ?? '') ? 'A float keeps about 7 digits: money needs a double' : 'Pick a type that keeps the value exactly'}`,
          ).toBeUndefined();
          expect(Object.keys(read).sort(), 'the schema reads back fields a transaction does not have').toEqual(
            Object.keys(tx).sort(),
          );
        }
      },
    },
    {
      name: 'the schema refuses what is not a transaction',
      step: 1,
      async run(lesson) {
        const type = parse(lesson.transactionSchemaV1(), 'transactionSchemaV1()');
        const [tx] = sample(1, 902);
        const refused: Array<[string, object]> = [
          [
            'a transaction of type "refund" (make type an enum of deposit, withdrawal, transfer and payment: then no producer can write a type the consumers do not know)',
            { ...tx, type: 'refund' },
          ],
          ['an account written as the text "1234"', { ...tx, account: '1234' }],
          ['a transaction without a transaction_id', { ...tx, transaction_id: undefined }],
        ];
        for (const [what, value] of refused) {
          expect(type.isValid(value), `the schema accepts ${what}`).toBe(false);
        }
      },
    },
    {
      name: 'connect() registers the schema under "<topic>-value", BACKWARD compatible, and returns its id',
      step: 2,
      timeoutMs: 20_000,
      async run(lesson, ctx) {
        const schema = lesson.transactionSchemaV1();
        const setup = await setUp(ctx);
        const producer = await producerFor(lesson, ctx, setup, schema);
        const id = await producer.connect();
        expect(
          Number.isInteger(id),
          `connect() resolved to ${JSON.stringify(id)}: return the id the registry gave`,
        ).toBe(true);
        const versions = await setup.registry.versions(setup.subject);
        expect(
          versions.length,
          `the registry has no subject "${setup.subject}". Register under "<topic>-value": that is where every Confluent-compatible consumer looks for a topic's schema`,
        ).toBeGreaterThan(0);
        const stored = await setup.registry.schemaById(id);
        expect(stored, `the registry knows no schema with id ${id}`).toBeDefined();
        expect(
          parse(JSON.parse(stored!) as RecordSchema, `the schema with id ${id}`).equals(parse(schema, 'schema')),
          `the id connect() returned names another schema than transactionSchemaV1(): ${stored}`,
        ).toBe(true);
        expect(
          await setup.registry.compatibility(setup.subject),
          `the subject's compatibility: register with compatibility BACKWARD, so the registry refuses a new version that cannot read the old data`,
        ).toBe('BACKWARD');

        // registering the same schema again is harmless: same id, no new version
        const again = await producerFor(lesson, ctx, setup, schema, 'producer-2');
        expect(await again.connect(), 'a second producer with the same schema should get the same id').toBe(id);
        expect(
          await setup.registry.versions(setup.subject),
          `registering the same schema a second time made a new version of ${setup.subject}: register the schema as it is, so the registry recognises it and answers with the same id`,
        ).toEqual(versions);
      },
    },
    {
      name: 'send() writes the Confluent wire format: magic byte 0, the id of your schema, then Avro',
      step: 3,
      timeoutMs: 20_000,
      async run(lesson, ctx) {
        const schema = lesson.transactionSchemaV1();
        const setup = await setUp(ctx, 3);
        const producer = await producerFor(lesson, ctx, setup, schema);
        const id = await producer.connect();
        const sent = sample(12, 903);
        const deliveries = new Map<string, Transaction>();
        for (const tx of sent) {
          const delivery = await producer.send(tx);
          deliveries.set(`${delivery?.partition}/${delivery?.offset}`, tx);
        }
        const messages = await ctx.readAll(setup.topic);
        expect(messages.length, `the topic holds ${messages.length} messages after ${sent.length} sends`).toBe(
          sent.length,
        );
        const writers = new Map<number, avro.Type>();
        for (const message of messages) {
          const where = `partition ${message.partition}, offset ${message.offset}`;
          const value = message.value ?? Buffer.alloc(0);
          const first = value[0];
          expect(
            first,
            `the value at ${where} starts with byte ${first}${first === 0x7b ? " ('{': that is JSON)" : ''}, not the magic byte 0: encode with the registry client (registry.encode(schemaId, tx)), which writes the Confluent wire format`,
          ).toBe(0);
          const written = value.readInt32BE(1);
          expect(
            written,
            `the 4 bytes after the magic byte at ${where} should be the schema id connect() returned`,
          ).toBe(id);
          const stored = await setup.registry.schemaById(written);
          expect(stored, `the registry knows no schema with id ${written} (${where})`).toBeDefined();
          if (!writers.has(written))
            writers.set(written, parse(JSON.parse(stored!) as RecordSchema, `schema ${written}`));
          const tx = deliveries.get(`${message.partition}/${message.offset}`);
          expect(
            tx,
            `send() returned no delivery for ${where}: return the partition and offset Kafka gave`,
          ).toBeDefined();
          let read: object;
          try {
            read = plain(writers.get(written)!.fromBuffer(value.subarray(5)));
          } catch (error) {
            throw new Error(
              `the bytes after the id at ${where} are not Avro of schema ${written}: ${(error as Error).message}`,
              { cause: error },
            );
          }
          expect(read, `the message at ${where} holds another transaction than the one sent there`).toEqual(tx);
          expect(message.key, `the message at ${where} should be keyed by its account`).toBe(String(tx!.account));
        }
      },
    },
    {
      name: 'the consumer decodes through the registry and skips what is not Avro from it',
      step: 4,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const schema = lesson.transactionSchemaV1();
        const setup = await setUp(ctx);
        const reader = consumerFor(lesson, ctx, setup, schema, 'consumer');
        const id = await setup.registry.register(setup.subject, schema);
        const type = parse(schema, 'transactionSchemaV1()');
        const sent = sample(15, 904);
        const unknownId = 2_000_000_000;
        const values: Array<Buffer | string | null> = [
          ...sent.slice(0, 5).map((tx) => frame(id, type, tx)),
          JSON.stringify(sent[0]),
          ...sent.slice(5, 10).map((tx) => frame(id, type, tx)),
          frame(unknownId, type, sent[0]!),
          Buffer.from([0, 1]),
          ...sent.slice(10).map((tx) => frame(id, type, tx)),
          null,
          // the right header, then bytes that are not Avro of that schema: cut off inside the first field
          frame(id, type, sent[0]!).subarray(0, 7),
        ];
        await sendMessages(
          ctx,
          setup.topic,
          values.map((value) => ({ key: 'check', value })),
        );
        await reader.consumer.start();
        await reader.until(values.length, `all ${values.length} messages to reach onTransaction or onMalformed`);
        expect(
          reader.seen.map(({ tx }) => tx.transaction_id),
          'onTransaction should get every Avro transaction, in order',
        ).toEqual(sent.map((tx) => tx.transaction_id));
        reader.seen.forEach(({ tx }, i) => expect(plain(tx), `transaction ${i} came out changed`).toEqual(sent[i]));
        expect(
          reader.malformed.map(({ where }) => Number(where.offset)),
          "onMalformed should get the JSON message (offset 5), the unknown schema id (11), the 2-byte value (12), the null (18) and the Avro cut short (19): when the registry answered and Avro itself cannot read the bytes, that is the message's fault too",
        ).toEqual([5, 11, 12, 18, 19]);
        for (const { error } of reader.malformed)
          expect(error.name, `a skipped message should be a MalformedTransactionError, got: ${error.message}`).toBe(
            'MalformedTransactionError',
          );
        expect(
          reader.malformed[1]!.error.message,
          'the error for the unknown schema should name its id, so whoever wrote it can look',
        ).toContain(String(unknownId));
        expect(
          { processed: reader.consumer.processedCount, malformed: reader.consumer.malformedCount },
          'processedCount and malformedCount should count the transactions handed on and the messages skipped',
        ).toEqual({ processed: sent.length, malformed: 5 });
      },
    },
    {
      name: 'a registry that does not answer is not a malformed message: decode() lets its error through',
      step: 4,
      async run(lesson, ctx) {
        const schema = lesson.transactionSchemaV1();
        const consumer = new lesson.AvroTransactionConsumer({
          connection: ctx.connection('consumer'),
          registry: await unansweredRegistry(),
          topic: ctx.name('unused'),
          groupId: ctx.name('consumer'),
          readerSchema: schema,
        });
        ctx.onCleanup(() => consumer.stop());
        const [tx] = sample(1, 905);
        const outcome = await rejection(consumer.decode(frame(1, parse(schema, 'transactionSchemaV1()'), tx!)));
        expect(outcome, 'decode() resolved although no registry answered').toBeInstanceOf(Error);
        expect(
          outcome!.name,
          `decode() called it malformed ("${outcome!.message}"), so the consumer would skip, and commit past, every good message while the registry is down. Only the registry's 404 (unknown id) makes a message malformed: throw any other error as it is`,
        ).not.toBe('MalformedTransactionError');
      },
    },
    {
      name: 'version 2 adds a field with a default: the registry accepts it, v1 readers read v2 data and v2 readers v1 data',
      step: 5,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const v2 = lesson.transactionSchemaV2();
        const v1 = lesson.transactionSchemaV1();
        const currency = v2.fields.find((field) => field.name === 'currency');
        expect(currency, 'transactionSchemaV2() should add a field named currency').toBeDefined();
        expect(
          v2.fields.filter((field) => field.name !== 'currency').map((field) => field.name),
          'version 2 should keep every field of version 1, and add only currency',
        ).toEqual(v1.fields.map((field) => field.name));
        const setup = await setUp(ctx);
        const oldWriter = await producerFor(lesson, ctx, setup, v1, 'producer-v1');
        const id1 = await oldWriter.connect();
        const newWriter = await producerFor(lesson, ctx, setup, v2, 'producer-v2');
        const id2 = await newWriter.connect().catch((error: Error) => {
          throw new Error(
            `the registry refused version 2 (${error.message}). Give currency a default: a v2 reader needs it for the transactions v1 wrote`,
          );
        });
        expect(id2, 'version 2 should get an id of its own').not.toBe(id1);
        expect(await setup.registry.versions(setup.subject), 'the subject should now hold two versions').toHaveLength(
          2,
        );

        const old = sample(5, 906);
        const currencies = ['EUR', 'GBP', 'JPY', 'CHF', 'SEK'];
        const recent = sample(5, 907).map((tx, i) => ({ ...tx, currency: currencies[i]! }));
        for (const tx of old) await oldWriter.send(tx);
        for (const tx of recent) await newWriter.send(tx);

        const v1Reader = consumerFor(lesson, ctx, setup, v1, 'reader-v1');
        const v2Reader = consumerFor(lesson, ctx, setup, v2, 'reader-v2');
        await Promise.all([v1Reader.consumer.start(), v2Reader.consumer.start()]);
        await Promise.all([
          v1Reader.until(10, 'the v1 reader to read all 10 transactions'),
          v2Reader.until(10, 'the v2 reader to read all 10 transactions'),
        ]);
        const byId = (seen: typeof v1Reader.seen) => new Map(seen.map(({ tx }) => [tx.transaction_id, plain(tx)]));
        const readByV1 = byId(v1Reader.seen);
        const readByV2 = byId(v2Reader.seen);
        expect(
          v1Reader.malformed.map(({ error }) => error.message),
          'the v1 reader skipped messages',
        ).toEqual([]);
        expect(
          v2Reader.malformed.map(({ error }) => error.message),
          'the v2 reader skipped messages',
        ).toEqual([]);
        for (const tx of [...old, ...recent]) {
          const v1Fields: Record<string, unknown> = { ...tx };
          delete v1Fields.currency;
          expect(
            readByV1.get(tx.transaction_id),
            `the v1 reader should see ${tx.transaction_id} with version 1's fields only: decode with the reader schema (options.readerSchema), not the writer's`,
          ).toEqual(v1Fields);
        }
        for (const tx of old)
          expect(
            readByV2.get(tx.transaction_id),
            `the v2 reader should see ${tx.transaction_id}, written by v1, with currency ${JSON.stringify(currency?.default)} (the default): decode with the reader schema`,
          ).toEqual({ ...tx, currency: currency?.default });
        for (const tx of recent)
          expect(
            readByV2.get(tx.transaction_id),
            `the v2 reader should see ${tx.transaction_id} as v2 wrote it`,
          ).toEqual(tx);
      },
    },
    {
      name: 'the registry refuses a breaking change, and evolve() says why in one line and keeps the old schema',
      step: 6,
      timeoutMs: 20_000,
      async run(lesson, ctx) {
        const breaking = lesson.transactionSchemaWithMerchant();
        const v1 = lesson.transactionSchemaV1();
        const setup = await setUp(ctx);
        const producer = await producerFor(lesson, ctx, setup, v1);
        const id1 = await producer.connect();

        const verdict = await setup.registry.send(
          'POST',
          `/compatibility/subjects/${encodeURIComponent(setup.subject)}/versions/latest`,
          { schema: JSON.stringify(breaking) },
        );
        expect(
          (verdict.body as { is_compatible?: boolean } | undefined)?.is_compatible,
          'the registry says transactionSchemaWithMerchant() is compatible with version 1. Add merchant without a default: that is the change BACKWARD must refuse',
        ).toBe(false);

        const failure = await rejection(producer.evolve(breaking));
        const asked = setup.registry.exchanges.find(
          (exchange) =>
            exchange.method === 'POST' &&
            /^\/subjects\/[^/]+\/versions/.test(exchange.path) &&
            exchange.requestBody.includes('merchant'),
        );
        expect(
          asked,
          'evolve() never sent the new schema to the registry: only the registry can refuse it',
        ).toBeDefined();
        expect(asked!.status, `the registry answered ${asked!.status} to the new schema`).toBe(409);
        expect(
          failure,
          'evolve() resolved although the registry refused the schema: throw a SchemaRefusedError',
        ).toBeDefined();
        expect(
          failure!.name,
          `evolve() threw ${failure!.name} ("${failure!.message}"): throw a SchemaRefusedError`,
        ).toBe('SchemaRefusedError');
        const reason = oneLine((JSON.parse(asked!.responseBody) as { message?: string }).message ?? '');
        expect(failure!.message, 'the reason should fit on one line').not.toMatch(/\n/);
        expect(
          oneLine(failure!.message),
          `the error should carry the registry's own reason ("${reason}"), so whoever reads it knows what to change`,
        ).toContain(reason);
        expect(producer.schemaId, 'after a refusal the producer should keep the schema it had').toBe(id1);

        // and an accepted change moves the producer to the new version
        const id2 = await producer.evolve(lesson.transactionSchemaV2());
        expect(producer.schemaId, 'after evolve() to version 2, schemaId should be its id').toBe(id2);
        expect(id2, 'version 2 should get an id of its own').not.toBe(id1);
        const [tx] = sample(1, 908);
        const delivery = await producer.send({ ...tx!, currency: 'EUR' } as Transaction);
        const [message] = (await ctx.readAll(setup.topic)).filter((m) => m.offset === delivery.offset);
        expect(message?.value?.readInt32BE(1), 'a send after evolve() should carry the new schema id').toBe(id2);
      },
    },
    {
      name: 'a registry that does not answer is not a refusal: evolve() lets its error through',
      step: 6,
      async run(lesson, ctx) {
        const producer = new lesson.AvroTransactionProducer({
          connection: ctx.connection('producer'),
          registry: await unansweredRegistry(),
          topic: ctx.name('unused'),
          schema: lesson.transactionSchemaV1(),
        });
        ctx.onCleanup(() => producer.close());
        const outcome = await rejection(producer.evolve(lesson.transactionSchemaV2()));
        expect(outcome, 'evolve() resolved although no registry answered').toBeInstanceOf(Error);
        expect(
          outcome!.name,
          `evolve() called it a refusal ("${outcome!.message}"), so whoever reads it would go and change a schema that nobody refused. Only the registry's 409 is a refusal: throw any other error as it is (step 6)`,
        ).not.toBe('SchemaRefusedError');
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'amount-as-float',
      rejectedBy: 'the schema writes and reads back every transaction, field for field',
      teaches: /a float keeps about 7 digits: money needs a double/i,
    },
    {
      fixture: 'type-as-string',
      rejectedBy: 'the schema refuses what is not a transaction',
      teaches: /make type an enum/,
    },
    {
      fixture: 'compatibility-none',
      rejectedBy: 'connect() registers the schema under "<topic>-value", BACKWARD compatible, and returns its id',
      teaches: /compatibility BACKWARD.*expected 'NONE' to be 'BACKWARD'/s,
    },
    {
      fixture: 'subject-without-suffix',
      rejectedBy: 'connect() registers the schema under "<topic>-value", BACKWARD compatible, and returns its id',
      teaches: /no subject .*-value/,
    },
    {
      fixture: 'json-values',
      rejectedBy: 'send() writes the Confluent wire format: magic byte 0, the id of your schema, then Avro',
      teaches: /\('\{': that is JSON\), not the magic byte 0/,
    },
    {
      fixture: 'only-unknown-id-is-malformed',
      rejectedBy: 'the consumer decodes through the registry and skips what is not Avro from it',
      teaches: /the registry answered and Avro cannot read the bytes.*MalformedTransactionError \(step 4\)/,
    },
    {
      fixture: 'skips-when-registry-down',
      rejectedBy: 'a registry that does not answer is not a malformed message: decode() lets its error through',
      teaches: /skip, and commit past, every good message while the registry is down/,
    },
    {
      fixture: 'currency-without-default',
      rejectedBy:
        'version 2 adds a field with a default: the registry accepts it, v1 readers read v2 data and v2 readers v1 data',
      teaches: /refused version 2 .*Give currency a default/s,
    },
    {
      fixture: 'reads-with-writer-schema',
      rejectedBy:
        'version 2 adds a field with a default: the registry accepts it, v1 readers read v2 data and v2 readers v1 data',
      teaches: /decode with the reader schema/,
    },
    {
      fixture: 'swallows-refusal',
      rejectedBy: 'the registry refuses a breaking change, and evolve() says why in one line and keeps the old schema',
      teaches: /evolve\(\) resolved although the registry refused/,
    },
    {
      fixture: 'refusal-without-reason',
      rejectedBy: 'the registry refuses a breaking change, and evolve() says why in one line and keeps the old schema',
      teaches: /the registry's own reason/,
    },
    {
      fixture: 'never-asks-the-registry',
      rejectedBy: 'the registry refuses a breaking change, and evolve() says why in one line and keeps the old schema',
      teaches: /never sent the new schema to the registry/,
    },
    {
      fixture: 'refuses-on-any-error',
      rejectedBy: 'a registry that does not answer is not a refusal: evolve() lets its error through',
      teaches: /change a schema that nobody refused.*Only the registry's 409 is a refusal/,
    },
    {
      fixture: 'merchant-with-default',
      rejectedBy: 'the registry refuses a breaking change, and evolve() says why in one line and keeps the old schema',
      teaches: /Add merchant without a default/,
    },
  ],
  correctVariants: ['hand-made-wire-format', 'plain-http'],
});

registerLesson(lesson09);
