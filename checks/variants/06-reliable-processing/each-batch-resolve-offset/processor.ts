// Correct variant: eachBatch instead of eachMessage, with eachBatchAutoResolve: false and each
// offset resolved after its message is finished; the retries written as a recursion; a stop flag
// instead of removing the listeners one by one.
import { Kafka, type Consumer, type IHeaders, type KafkaConfig, type KafkaMessage, type Producer } from 'kafkajs';
import { decodeTransaction } from '../../../../bank/codec.ts';
import type { Transaction } from '../../../../bank/transaction.ts';
import { DEAD_LETTER_HEADERS, type ProcessorOptions } from '../../../../solutions/06-reliable-processing/processor.ts';
import { createReliableProducer } from '../../../../solutions/06-reliable-processing/producer.ts';

export {
  DEAD_LETTER_HEADERS,
  type MessageSource,
  type ProcessorOptions,
  type TransactionHandler,
} from '../../../../solutions/06-reliable-processing/processor.ts';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        for (const message of payload.batch.messages) {
          if (!payload.isRunning() || payload.isStale()) return;
          await this.process(payload.batch.partition, message);
          payload.resolveOffset(message.offset);
          await payload.heartbeat();
        }
      },
    });
  }

  protected async process(partition: number, message: KafkaMessage): Promise<void> {
    let tx: Transaction;
    try {
      tx = decodeTransaction(message.value);
    } catch (error) {
      await this.deadLetter(partition, message, error, 1);
      return;
    }
    await this.attempt(tx, partition, message, 1);
  }

  private async attempt(tx: Transaction, partition: number, message: KafkaMessage, attempt: number): Promise<void> {
    try {
      await this.options.handle(tx, { partition, offset: message.offset });
      this.processedCount++;
    } catch (error) {
      if (attempt === this.maxAttempts) return this.deadLetter(partition, message, error, attempt);
      await pause(this.retryDelayMs * Math.pow(2, attempt - 1));
      return this.attempt(tx, partition, message, attempt + 1);
    }
  }

  protected async deadLetter(partition: number, message: KafkaMessage, error: unknown, attempts: number) {
    const headers: IHeaders = Object.fromEntries([
      [DEAD_LETTER_HEADERS.error, error instanceof Error ? error.message : String(error)],
      [DEAD_LETTER_HEADERS.attempts, `${attempts}`],
      [DEAD_LETTER_HEADERS.topic, this.options.topic],
      [DEAD_LETTER_HEADERS.partition, `${partition}`],
      [DEAD_LETTER_HEADERS.offset, message.offset],
    ]);
    await this.producer.sendBatch({
      topicMessages: [
        { topic: this.options.deadLetterTopic, messages: [{ key: message.key, value: message.value, headers }] },
      ],
    });
    this.deadLetteredCount++;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

export function stopOnSignals(
  processor: { stop(): Promise<void> },
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): () => void {
  let listening = true;
  const detach = () => {
    if (!listening) return;
    listening = false;
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals) {
    detach();
    processor.stop().then(
      () => undefined,
      (error: unknown) => {
        console.error(`stop after ${signal} failed:`, error);
        process.exitCode = 1;
      },
    );
  }
  for (const signal of signals) process.addListener(signal, onSignal);
  return detach;
}
