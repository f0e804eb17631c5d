// Correct variant: partitions processed side by side (partitionsConsumedConcurrently), the
// retries as a while loop, and a delay table worked out once.
import { Kafka, type Consumer, type KafkaConfig, type KafkaMessage, type Producer } from 'kafkajs';
import { decodeTransaction } from '../../../../bank/codec.ts';
import { DEAD_LETTER_HEADERS, type ProcessorOptions } from '../../../../solutions/06-reliable-processing/processor.ts';
import { createReliableProducer } from './producer.ts';

export {
  DEAD_LETTER_HEADERS,
  stopOnSignals,
  type MessageSource,
  type ProcessorOptions,
  type TransactionHandler,
} from '../../../../solutions/06-reliable-processing/processor.ts';

export class ReliableProcessor {
  readonly consumer: Consumer;
  protected readonly producer: Producer;
  protected readonly maxAttempts: number;
  protected readonly retryDelayMs: number;
  processedCount = 0;
  deadLetteredCount = 0;

  constructor(protected readonly options: ProcessorOptions & { connection: KafkaConfig }) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.producer = createReliableProducer(options.connection);
    this.consumer = new Kafka(options.connection).consumer({ groupId: options.groupId, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: ({ partition, message }) => this.process(partition, message),
    });
  }

  protected async process(partition: number, message: KafkaMessage): Promise<void> {
    let tx;
    try {
      tx = decodeTransaction(message.value);
    } catch (decodeError) {
      return this.deadLetter(partition, message, decodeError, 1);
    }
    const delays = Array.from({ length: this.maxAttempts - 1 }, (_, i) => this.retryDelayMs * 2 ** i);
    let attempt = 0;
    while (true) {
      attempt += 1;
      try {
        await this.options.handle(tx, { partition, offset: message.offset });
        this.processedCount += 1;
        return;
      } catch (handlerError) {
        const delay = delays[attempt - 1];
        if (delay === undefined) return this.deadLetter(partition, message, handlerError, attempt);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  protected async deadLetter(partition: number, message: KafkaMessage, error: unknown, attempts: number) {
    await this.producer.send({
      topic: this.options.deadLetterTopic,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            [DEAD_LETTER_HEADERS.error]: (error as Error)?.message ?? String(error),
            [DEAD_LETTER_HEADERS.attempts]: attempts.toString(),
            [DEAD_LETTER_HEADERS.topic]: this.options.topic,
            [DEAD_LETTER_HEADERS.partition]: partition.toString(),
            [DEAD_LETTER_HEADERS.offset]: message.offset,
          },
        },
      ],
    });
    this.deadLetteredCount += 1;
  }

  async stop(): Promise<void> {
    try {
      await this.consumer.disconnect();
    } finally {
      await this.producer.disconnect();
    }
  }
}
