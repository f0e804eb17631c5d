import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, type Consumer, type KafkaConfig } from 'kafkajs';
import { MalformedTransactionError } from '../../bank/codec.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { todo } from '../../workshop/todo.ts';
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

/**
 * Reads Avro transactions through the registry, in a consumer group, as lesson 03's consumer
 * reads JSON. Everything but decode() is written: lesson 03 was about the group.
 */
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
    return todo(
      'lesson-09 step 4: throw a MalformedTransactionError unless value is at least 5 bytes starting with 0; else return this.registry.decode(value, { [SchemaType.AVRO]: { readerSchema: this.options.readerSchema } }). When that fails with status 404 (an unknown schema id), throw a MalformedTransactionError naming the id (value.readInt32BE(1)); rethrow errors with any other status; an error with no status at all is Avro failing to read the bytes: malformed too',
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
