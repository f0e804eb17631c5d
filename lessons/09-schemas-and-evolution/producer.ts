import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
import { todo } from '../../workshop/todo.ts';
import type { RecordSchema } from './schemas.ts';

/** How to reach the schema registry: its URL (`host`) and the client's settings. */
export type RegistryConnection = ConstructorParameters<typeof SchemaRegistry>[0];

/** Where Kafka stored a message: enough to find it again. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
}

/** The subject a topic's values are registered under: Confluent's convention, "<topic>-value". */
export function subjectFor(topic: string): string {
  return `${topic}-value`;
}

/** The registry refused a schema. `reason` is the registry's own explanation, on one line. */
export class SchemaRefusedError extends Error {
  override readonly name = 'SchemaRefusedError';

  constructor(
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`the schema registry refused the new schema for ${subject}: ${reason}`);
  }
}

export interface AvroProducerOptions {
  /** kafkajs configuration: broker addresses and a client id. */
  connection: KafkaConfig;
  registry: RegistryConnection;
  topic: string;
  /** The schema the transactions are written with. */
  schema: RecordSchema;
}

/**
 * Sends bank transactions as Avro in the Confluent wire format: a zero byte (the "magic byte"),
 * the schema's id in the registry (4 bytes), then the Avro bytes. Any consumer can look the id
 * up in the registry and read the message, whichever version of the schema wrote it.
 *
 * Fill in the TODOs of steps 2, 3 and 6; `npm run check lesson-09` tells you which one is next.
 */
export class AvroTransactionProducer<T extends Transaction = Transaction> {
  readonly registry: SchemaRegistry;
  readonly subject: string;
  /** The registry's id for the schema in use: it is in every message this producer sends. */
  schemaId: number | undefined;
  protected readonly producer: Producer;

  constructor(protected readonly options: AvroProducerOptions) {
    this.registry = new SchemaRegistry(options.registry);
    this.subject = subjectFor(options.topic);
    this.producer = new Kafka(options.connection).producer({ idempotent: true });
  }

  /** Registers the schema (a schema registered before keeps its id), then connects to Kafka. */
  async connect(): Promise<number> {
    this.schemaId = await this.register(this.options.schema);
    await this.producer.connect();
    return this.schemaId;
  }

  /** Registers `schema` under this topic's subject, BACKWARD compatible, and returns its id. */
  async register(schema: RecordSchema): Promise<number> {
    return todo(
      'lesson-09 step 2: register `schema` with this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: this.subject, compatibility: COMPATIBILITY.BACKWARD }) and return the id it resolves to',
    );
  }

  async send(tx: T): Promise<Delivery> {
    if (this.schemaId === undefined) throw new Error('connect() first: the schema has no id yet');
    return todo(
      'lesson-09 step 3: encode tx with this.registry.encode(this.schemaId, tx) (the Confluent wire format), send it to options.topic keyed by String(tx.account) with acks: -1, and return the topic, partition and offset',
    );
  }

  /**
   * Moves to a new version of the schema while running. When the registry refuses it, the
   * producer keeps the schema it had, and the caller learns why in one line.
   */
  async evolve(schema: RecordSchema): Promise<number> {
    return todo(
      "lesson-09 step 6: register `schema`; on success make its id this.schemaId and return it. When the registry refuses (the error's status is 409), throw new SchemaRefusedError(this.subject, reason) with the registry's reason on one line; rethrow any other error",
    );
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
