import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Consumer, ConsumerRunConfig, KafkaConfig, KafkaMessage } from 'kafkajs';
import { encodeTransaction } from '../bank/codec.ts';
import type { Transaction } from '../bank/transaction.ts';
import { isConfluentFramed, noteUndecodable, schemaIdOf } from '../bank/wire-format.ts';
import { ConfigError } from '../workshop/config.ts';
import { loadLesson, type CodeSource } from './lesson-code.ts';

/** The registry's client and finder load only when a program meets Avro: JSON-only runs start a second sooner. */
const findRegistry = async (log: (line: string) => void) =>
  (await import('../workshop/registry/discover.ts')).findOrStartRegistry('persistent', log);

/**
 * The demo's two formats on one topic: JSON (lessons 01–08) and Avro through a schema registry
 * (lesson 09). The simulator writes one or the other; the monitor and the fraud detector read
 * both, telling them apart by the first byte (JSON never starts with the Confluent magic byte 0).
 */
export type WireFormat = 'json' | 'avro';

export const FORMAT_FLAG = {
  format: {
    kind: 'text',
    choices: ['json', 'avro'],
    help: 'json (the default) or avro: Avro through the schema registry, with your lesson 09 producer',
  },
} as const;

/** --format's value (the command-line reader has already refused anything but json and avro). */
export function parseFormat(value: string | undefined): WireFormat {
  if (value === undefined || value === 'json' || value === 'avro') return value ?? 'json';
  throw new ConfigError(`--format needs json or avro, got "${value}"`);
}

/** What the simulator needs of a producer: lesson 01's shape. */
export interface TransactionSender {
  connect(): Promise<unknown>;
  send(tx: Transaction, key?: string): Promise<unknown>;
  close(): Promise<void>;
}

type ProducerLesson09 = typeof import('../solutions/09-schemas-and-evolution/producer.ts');
type SchemasLesson09 = typeof import('../solutions/09-schemas-and-evolution/schemas.ts');
const LESSON_09 = 'lesson-09';

/** Lesson 09's producer with version 1 of the schema, registered in the registry it finds or starts. */
export async function avroSender(
  source: CodeSource,
  connection: KafkaConfig,
  topic: string,
  log: (line: string) => void,
): Promise<TransactionSender> {
  const [{ AvroTransactionProducer }, { transactionSchemaV1 }] = await Promise.all([
    loadLesson<ProducerLesson09>(source, LESSON_09, 'producer.ts'),
    loadLesson<SchemasLesson09>(source, LESSON_09, 'schemas.ts'),
  ]);
  const schema = transactionSchemaV1();
  const { url } = await findRegistry(log);
  log(`📦 Format: Avro, schemas in the registry at ${url}`);
  const producer = new AvroTransactionProducer({ connection, registry: { host: url }, topic, schema });
  return {
    connect: () =>
      producer.connect().catch((error: unknown) => {
        throw refusedInOneLine(error, producer.subject);
      }),
    send: (tx) => producer.send(tx),
    close: () => producer.close(),
  };
}

/** A 409 from the registry, said in one line with what to do about it; other errors pass unchanged. */
function refusedInOneLine(error: unknown, subject: string): unknown {
  if (!(error instanceof Error) || (error as { status?: unknown }).status !== 409) return error;
  const reason = error.message.replace(/^[^-]*? - /, '').replace(/\s+/g, ' ');
  return new Error(
    `the schema registry refused your schema for ${subject}: ${reason}. Its versions so far must stay readable; send to another topic with --topic to start afresh`,
    { cause: error },
  );
}

/**
 * Makes a consumer that reads JSON read Avro too: before the learner's handler sees a message
 * framed in the Confluent wire format, its value is decoded through the registry and handed on
 * as the same transaction in JSON. A value that cannot be decoded (an unknown schema id, bytes
 * that are not Avro) is handed on as it is, with the reason noted, so the consumer skips and
 * reports it like any malformed message. A registry that does not answer is not the message's
 * fault: the handler fails, and kafkajs retries the message.
 */
export function readEitherFormat(consumer: Consumer, log: (line: string) => void): void {
  const avro = new AvroToJson(log);
  const run = consumer.run.bind(consumer);
  consumer.run = (config?: ConsumerRunConfig) => {
    const { eachMessage, eachBatch } = config ?? {};
    return run({
      ...config,
      eachMessage:
        eachMessage && (async (payload) => eachMessage({ ...payload, message: await avro.translate(payload.message) })),
      eachBatch:
        eachBatch &&
        (async (payload) => {
          for (const [i, message] of payload.batch.messages.entries())
            payload.batch.messages[i] = await avro.translate(message);
          return eachBatch(payload);
        }),
    });
  };
}

class AvroToJson {
  private registry: Promise<SchemaRegistry> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  async translate(message: KafkaMessage): Promise<KafkaMessage> {
    const value = message.value;
    if (value === null || !isConfluentFramed(value) || schemaIdOf(value) === undefined) return message;
    const registry = await this.connect();
    let record: unknown;
    try {
      record = await registry.decode(value);
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 404) noteUndecodable(value, `schema id ${schemaIdOf(value)} is unknown to the registry`);
      else if (status !== undefined)
        throw new Error(
          `the schema registry could not be asked about schema id ${schemaIdOf(value)}: ${oneLine(error)}`,
          {
            cause: error,
          },
        );
      else noteUndecodable(value, `the bytes after the id are not Avro of that schema (${oneLine(error)})`);
      return message;
    }
    // the transaction's own fields, in JSON: a newer schema's extra fields are left out
    return { ...message, value: Buffer.from(encodeTransaction({ ...(record as Transaction) })) };
  }

  private connect(): Promise<SchemaRegistry> {
    this.registry ??= findRegistry(this.log).then(
      async ({ url }) => {
        this.log(`📦 Avro messages on the topic: reading them through the schema registry at ${url}`);
        const { SchemaRegistry } = await import('@kafkajs/confluent-schema-registry');
        return new SchemaRegistry({ host: url, retry: { retries: 2 } });
      },
      (error: unknown) => {
        this.registry = undefined; // ask again at the next Avro message
        throw new Error(`an Avro message needs a schema registry: ${oneLine(error)}`, { cause: error });
      },
    );
    return this.registry;
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(/^[^-\n]*? - /, '')
    .replace(/\s+/g, ' ')
    .trim();
}
