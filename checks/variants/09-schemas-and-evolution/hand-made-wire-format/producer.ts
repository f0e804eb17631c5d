// A correct variant: the Confluent wire format written by hand (a zero byte, the id, the Avro bytes from avsc).
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { Transaction } from '../../../../bank/transaction.ts';
import type { RecordSchema } from './schemas.ts';

export type RegistryConnection = ConstructorParameters<typeof SchemaRegistry>[0];

export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
}

export function subjectFor(topic: string): string {
  return `${topic}-value`;
}

export class SchemaRefusedError extends Error {
  override readonly name = 'SchemaRefusedError';

  constructor(
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`${subject}: the registry said no (${reason})`);
  }
}

export interface AvroProducerOptions {
  connection: KafkaConfig;
  registry: RegistryConnection;
  topic: string;
  schema: RecordSchema;
}

export class AvroTransactionProducer<T extends Transaction = Transaction> {
  readonly registry: SchemaRegistry;
  readonly subject: string;
  schemaId: number | undefined;
  private type: avro.Type;
  private readonly producer: Producer;

  constructor(private readonly options: AvroProducerOptions) {
    this.registry = new SchemaRegistry(options.registry);
    this.subject = subjectFor(options.topic);
    this.type = avro.Type.forSchema(options.schema as avro.Schema);
    this.producer = new Kafka(options.connection).producer({ idempotent: true });
  }

  async connect(): Promise<number> {
    await this.producer.connect();
    this.schemaId = await this.register(this.options.schema);
    return this.schemaId;
  }

  async register(schema: RecordSchema): Promise<number> {
    const registered = await this.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: this.subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    return registered.id;
  }

  async send(tx: T): Promise<Delivery> {
    const header = Buffer.alloc(5);
    header.writeUInt8(0, 0);
    header.writeInt32BE(this.schemaId!, 1);
    const value = Buffer.concat([header, this.type.toBuffer(tx)]);
    const results = await this.producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: [{ key: `${tx.account}`, value }],
    });
    return { topic: results[0]!.topicName, partition: results[0]!.partition, offset: results[0]!.baseOffset! };
  }

  async evolve(schema: RecordSchema): Promise<number> {
    let id: number;
    try {
      id = await this.register(schema);
    } catch (error) {
      if (error instanceof Error && 'status' in error && error.status === 409)
        throw new SchemaRefusedError(this.subject, error.message.split(' - ').slice(1).join(' - ').replace(/\n/g, ' '));
      throw error;
    }
    this.schemaId = id;
    this.type = avro.Type.forSchema(schema as avro.Schema);
    return id;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
