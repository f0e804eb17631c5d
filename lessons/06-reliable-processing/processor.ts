import { Kafka, type Consumer, type IHeaders, type KafkaConfig, type KafkaMessage, type Producer } from 'kafkajs';
import { decodeTransaction } from '../../bank/codec.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { todo } from '../../workshop/todo.ts';
import { createReliableProducer } from './producer.ts';

/** The headers a dead letter carries, so whoever inspects it knows what failed and where it came from. */
export const DEAD_LETTER_HEADERS = {
  error: 'error.message',
  attempts: 'error.attempts',
  topic: 'source.topic',
  partition: 'source.partition',
  offset: 'source.offset',
} as const;

/** Where a message came from. */
export interface MessageSource {
  partition: number;
  offset: string;
}

/** The business logic: anything that may fail now and then (a database, a web service…). */
export type TransactionHandler = (tx: Transaction, source: MessageSource) => void | Promise<void>;

export interface ProcessorOptions {
  connection: KafkaConfig;
  topic: string;
  groupId: string;
  /** Where messages go that cannot be processed. It must exist already. */
  deadLetterTopic: string;
  handle: TransactionHandler;
  /** Attempts per message, the first one included, before it is dead-lettered (default 3). */
  maxAttempts?: number;
  /** The wait before the first retry, doubled for each further one (default 100 ms). */
  retryDelayMs?: number;
  /** Where a group without commits starts (default true: at the earliest message). */
  fromBeginning?: boolean;
}

/**
 * Processes each transaction at least once and commits only what it has finished: a message
 * is finished when the handler succeeded, or when it went to the dead-letter topic.
 */
export class ReliableProcessor {
  readonly consumer: Consumer;
  protected readonly producer: Producer;
  protected readonly maxAttempts: number;
  protected readonly retryDelayMs: number;
  processedCount = 0;
  deadLetteredCount = 0;

  constructor(protected readonly options: ProcessorOptions) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.producer = createReliableProducer(options.connection);
    // an idle fetch returns within 0.1 s, so stop() never waits long for one
    this.consumer = new Kafka(options.connection).consumer({ groupId: options.groupId, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({ eachMessage: ({ partition, message }) => this.process(partition, message) });
  }

  /** Resolves once the message is finished; rejects (so kafkajs will redeliver it) only if even the dead-letter topic is out of reach. */
  protected async process(partition: number, message: KafkaMessage): Promise<void> {
    todo(
      'lesson-06 step 2: decode message.value with decodeTransaction. If that throws, the message is a poison pill: return this.deadLetter(partition, message, error, 1) (retrying cannot repair bytes)',
    );
    todo(
      'lesson-06 step 3: call this.options.handle(tx, { partition, offset: message.offset }) and count the success in this.processedCount. When it throws, sleep(this.retryDelayMs * 2 ** (attempt - 1)) and try again, at most this.maxAttempts times in all; then return this.deadLetter(partition, message, error, attempt)',
    );
  }

  /** Parks the message, byte for byte, on the dead-letter topic with what went wrong and where it came from. */
  protected async deadLetter(
    partition: number,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    todo(
      'lesson-06 step 4: send message.key and message.value, untouched, to this.options.deadLetterTopic with the DEAD_LETTER_HEADERS (error message, attempts, source topic, partition, offset; header values are strings), then count it in this.deadLetteredCount',
    );
  }

  /** Finishes the message in hand, commits what was finished, and leaves the group. */
  async stop(): Promise<void> {
    todo(
      'lesson-06 step 5: disconnect the consumer (kafkajs finishes the message in hand and commits what was processed), then the producer',
    );
  }
}

/**
 * Stops `processor` gracefully on the first Ctrl+C (SIGINT) or `docker stop` / Kubernetes
 * shutdown (SIGTERM). A second signal finds no listener and ends the process at once, the
 * way out when a stop hangs. Returns a function that removes the listeners.
 */
export function stopOnSignals(
  processor: { stop(): Promise<void> },
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): () => void {
  return todo(
    'lesson-06 step 6: on the first of `signals`, remove your listeners (process.off) and call processor.stop(), reporting a failure on stderr; return a function that removes the listeners',
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
