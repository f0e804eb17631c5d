// A correct variant: talks to the registry's REST API with fetch, as any language without a client library would.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { Transaction } from '../../../../bank/transaction.ts';
import type { RecordSchema } from '../../../../solutions/09-schemas-and-evolution/schemas.ts';

export type RegistryConnection = ConstructorParameters<typeof SchemaRegistry>[0];

export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
}

export const subjectFor = (topic: string): string => `${topic}-value`;

export class SchemaRefusedError extends Error {
  override readonly name = 'SchemaRefusedError';

  constructor(
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`refused for ${subject}: ${reason}`);
  }
}

export interface AvroProducerOptions {
  connection: KafkaConfig;
  registry: RegistryConnection;
  topic: string;
  schema: RecordSchema;
}

const CONTENT_TYPE = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };

export class AvroTransactionProducer<T extends Transaction = Transaction> {
  /** Used for encoding only: it fetches the schema by id once and writes the wire format. */
  readonly registry: SchemaRegistry;
  readonly subject: string;
  schemaId: number | undefined;
  private readonly producer: Producer;

  constructor(private readonly options: AvroProducerOptions) {
    this.registry = new SchemaRegistry(options.registry);
    this.subject = subjectFor(options.topic);
    this.producer = new Kafka(options.connection).producer({ idempotent: true });
  }

  async connect(): Promise<number> {
    const id = await this.register(this.options.schema);
    await this.producer.connect();
    return (this.schemaId = id);
  }

  async register(schema: RecordSchema): Promise<number> {
    const answer = await this.post(schema);
    if (!answer.ok) throw Object.assign(new Error(answer.message), { status: answer.status });
    return answer.id;
  }

  async send(tx: T): Promise<Delivery> {
    const value = await this.registry.encode(this.schemaId!, tx);
    const [written] = await this.producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: [{ key: String(tx.account), value }],
    });
    return { topic: written!.topicName, partition: written!.partition, offset: String(written!.baseOffset) };
  }

  async evolve(schema: RecordSchema): Promise<number> {
    const answer = await this.post(schema);
    if (!answer.ok && answer.status === 409)
      throw new SchemaRefusedError(this.subject, answer.message.replace(/\s+/g, ' '));
    if (!answer.ok) throw new Error(`the registry answered HTTP ${answer.status}: ${answer.message}`);
    this.schemaId = answer.id;
    return answer.id;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  /** POST /subjects/<subject>/versions; the first version also sets the subject's compatibility. */
  private async post(
    schema: RecordSchema,
  ): Promise<{ ok: true; id: number; status: number } | { ok: false; status: number; message: string }> {
    const base = `${this.options.registry.host}/subjects/${encodeURIComponent(this.subject)}`;
    const first = (await fetch(`${base}/versions`)).status === 404;
    const response = await fetch(`${base}/versions`, {
      method: 'POST',
      headers: CONTENT_TYPE,
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    });
    const body = (await response.json()) as { id?: number; message?: string };
    if (!response.ok) return { ok: false, status: response.status, message: body.message ?? `HTTP ${response.status}` };
    if (first) {
      const config = await fetch(`${this.options.registry.host}/config/${encodeURIComponent(this.subject)}`, {
        method: 'PUT',
        headers: CONTENT_TYPE,
        body: JSON.stringify({ compatibility: 'BACKWARD' }),
      });
      if (!config.ok) throw new Error(`the registry would not set BACKWARD compatibility (HTTP ${config.status})`);
    }
    return { ok: true, id: body.id!, status: response.status };
  }
}
