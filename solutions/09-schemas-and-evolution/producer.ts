import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
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
    const { id } = await this.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      // BACKWARD: a reader with the new schema must be able to read what the old one wrote
      { subject: this.subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    return id;
  }

  async send(tx: T): Promise<Delivery> {
    if (this.schemaId === undefined) throw new Error('connect() first: the schema has no id yet');
    // the registry's client writes the magic byte and the id, then the Avro bytes; it refuses a tx the schema does not fit
    const value = await this.registry.encode(this.schemaId, tx);
    const [result] = await this.producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: [{ key: String(tx.account), value }],
    });
    if (!result) throw new Error(`Kafka returned no result for the send to ${this.options.topic}`);
    return { topic: result.topicName, partition: result.partition, offset: result.baseOffset ?? '-1' };
  }

  /**
   * Moves to a new version of the schema while running. When the registry refuses it, the
   * producer keeps the schema it had, and the caller learns why in one line.
   */
  async evolve(schema: RecordSchema): Promise<number> {
    try {
      this.schemaId = await this.register(schema);
      return this.schemaId;
    } catch (error) {
      const reason = refusalReason(error);
      if (reason === undefined) throw error;
      throw new SchemaRefusedError(this.subject, reason);
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/**
 * A registry that refuses a schema answers HTTP 409 (Conflict) with its reason in the message.
 * Anything else (a registry that is down, say) is not a refusal.
 */
function refusalReason(error: unknown): string | undefined {
  if (!(error instanceof Error) || (error as { status?: unknown }).status !== 409) return undefined;
  // the client puts its own name first: "Confluent_Schema_Registry - Incompatible artifact: …"
  return error.message
    .replace(/^[^-]*? - /, '')
    .replace(/\s+/g, ' ')
    .trim();
}
