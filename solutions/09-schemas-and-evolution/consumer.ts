import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, type Consumer, type KafkaConfig } from 'kafkajs';
import { MalformedTransactionError } from '../../bank/codec.ts';
import type { Transaction } from '../../bank/transaction.ts';
import type { RegistryConnection } from './producer.ts';
import type { RecordSchema } from './schemas.ts';

/** Where a message sits on the topic. */
export interface MessagePosition {
  partition: number;
  offset: string;
}

export interface AvroConsumerOptions<T> {
  connection: KafkaConfig;
  registry: RegistryConnection;
  topic: string;
  groupId: string;
  /**
   * The schema this consumer reads with. The message names the schema it was written with; Avro
   * resolves one into the other: new fields get their default, fields it does not know are dropped.
   */
  readerSchema: RecordSchema;
  fromBeginning?: boolean;
  onTransaction?: (tx: T, where: MessagePosition) => void | Promise<void>;
  onMalformed?: (error: Error, where: MessagePosition) => void;
}

/** The first byte of the Confluent wire format; the schema id follows in 4 bytes, then the Avro bytes. */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** Reads Avro transactions through the registry, in a consumer group, as lesson 03's consumer reads JSON. */
export class AvroTransactionConsumer<T extends Transaction = Transaction> {
  readonly consumer: Consumer;
  readonly registry: SchemaRegistry;
  processedCount = 0;
  malformedCount = 0;

  constructor(protected readonly options: AvroConsumerOptions<T>) {
    this.registry = new SchemaRegistry(options.registry);
    this.consumer = new Kafka(options.connection).consumer({ groupId: options.groupId, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning ?? false });
    await this.consumer.run({
      eachMessage: ({ partition, message }) => this.handle(message.value, { partition, offset: message.offset }),
    });
  }

  /** A malformed message is skipped (and its offset committed); any other error stops the consumer. */
  protected async handle(value: Buffer | null, where: MessagePosition): Promise<void> {
    let tx: T;
    try {
      tx = await this.decode(value);
    } catch (error) {
      if (!(error instanceof MalformedTransactionError)) throw error;
      this.malformedCount += 1;
      this.options.onMalformed?.(error, where);
      return;
    }
    this.processedCount += 1;
    await this.options.onTransaction?.(tx, where);
  }

  /**
   * One message value, read with the reader schema. What is not Avro from a registry is
   * malformed; a registry that does not answer is not the message's fault, so that error is thrown.
   */
  async decode(value: Buffer | null): Promise<T> {
    if (value === null || value.length < HEADER_BYTES || value[0] !== MAGIC_BYTE) {
      throw new MalformedTransactionError(
        `the value is not in the Confluent wire format (a zero byte, then a 4-byte schema id): ${describeBytes(value)}`,
      );
    }
    try {
      return (await this.registry.decode(value, {
        [SchemaType.AVRO]: { readerSchema: this.options.readerSchema },
      })) as T;
    } catch (error) {
      const id = value.readInt32BE(1);
      const status = (error as { status?: unknown }).status;
      if (status === 404) throw new MalformedTransactionError(`schema id ${id} is unknown to the registry`);
      // any other answer, or none (the client reports "connect ECONNREFUSED" as status 400): not the message's fault
      if (status !== undefined) throw error;
      // no HTTP status: Avro itself could not read the bytes with the schema the id names
      throw new MalformedTransactionError(
        `the bytes after schema id ${id} are not Avro of that schema (${String(error)})`,
      );
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

function describeBytes(value: Buffer | null): string {
  if (value === null) return 'no value (null)';
  const head = [...value.subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return `${value.length} bytes, starting ${head}${value.length > 8 ? ' …' : ''}`;
}
