// A correct variant: reads the header by hand, asks the registry for the writer's schema, and lets avsc resolve it into the reader's.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { Kafka, type Consumer, type KafkaConfig } from 'kafkajs';
import { MalformedTransactionError } from '../../../../bank/codec.ts';
import type { Transaction } from '../../../../bank/transaction.ts';
import type { RegistryConnection } from './producer.ts';
import type { RecordSchema } from './schemas.ts';

export interface MessagePosition {
  partition: number;
  offset: string;
}

export interface AvroConsumerOptions<T> {
  connection: KafkaConfig;
  registry: RegistryConnection;
  topic: string;
  groupId: string;
  readerSchema: RecordSchema;
  fromBeginning?: boolean;
  onTransaction?: (tx: T, where: MessagePosition) => void | Promise<void>;
  onMalformed?: (error: Error, where: MessagePosition) => void;
}

export class AvroTransactionConsumer<T extends Transaction = Transaction> {
  readonly consumer: Consumer;
  readonly registry: SchemaRegistry;
  processedCount = 0;
  malformedCount = 0;
  private readonly reader: avro.Type;
  private readonly resolvers = new Map<number, avro.Resolver>();

  constructor(private readonly options: AvroConsumerOptions<T>) {
    this.registry = new SchemaRegistry(options.registry);
    this.reader = avro.Type.forSchema(options.readerSchema as avro.Schema);
    this.consumer = new Kafka(options.connection).consumer({ groupId: options.groupId, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: this.options.fromBeginning === true });
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        const where = { partition, offset: message.offset };
        let tx: T;
        try {
          tx = await this.decode(message.value);
        } catch (error) {
          if (!(error instanceof MalformedTransactionError)) throw error;
          this.malformedCount++;
          this.options.onMalformed?.(error, where);
          return;
        }
        this.processedCount++;
        await this.options.onTransaction?.(tx, where);
      },
    });
  }

  async decode(value: Buffer | null): Promise<T> {
    if (!value || value.length < 5 || value.readUInt8(0) !== 0)
      throw new MalformedTransactionError('not Avro in the Confluent wire format');
    const id = value.readInt32BE(1);
    let resolver = this.resolvers.get(id);
    if (!resolver) {
      let writer: avro.Type;
      try {
        writer = (await this.registry.getSchema(id)) as unknown as avro.Type;
      } catch (error) {
        if ((error as { status?: number }).status === 404)
          throw new MalformedTransactionError(`the registry has no schema ${id}`);
        throw error;
      }
      resolver = this.reader.createResolver(writer);
      this.resolvers.set(id, resolver);
    }
    try {
      return this.reader.fromBuffer(value.subarray(5), resolver) as T;
    } catch (error) {
      throw new MalformedTransactionError(`bad Avro after schema id ${id}: ${String(error)}`);
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
