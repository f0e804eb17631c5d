import { Kafka, type KafkaConfig, type KafkaMessage } from 'kafkajs';
import { print } from './output.ts';
import { formatNumberedTransaction } from '../bank/format.ts';
import { ConfigError } from '../workshop/config.ts';
import { formatAssignment, watchConsumer } from './consumer-events.ts';
import { DEFAULT_TOPIC } from './defaults.ts';
import { runDemo, stopRequested, whoseCode } from './run-demo.ts';

/**
 * `npm run processor`: lesson 06, live. Your ReliableProcessor (or the reference with
 * --solution) on the simulator's topic, with a handler that fails now and then, a few poison
 * pills if asked for, and your stopOnSignals for Ctrl+C. One line per attempt that fails, and
 * one per message parked on the dead-letter topic.
 */
type ProcessorLesson = typeof import('../solutions/06-reliable-processing/processor.ts');

const MAX_ATTEMPTS = 3;
const DEFAULT_GROUP = 'reliable-processor';
const DEFAULT_DEAD_LETTERS = `${DEFAULT_TOPIC}.dead-letters`;

const flags = {
  topic: { kind: 'topic', help: `topic to process (default ${DEFAULT_TOPIC})` },
  group: { kind: 'text', help: `consumer group id (default ${DEFAULT_GROUP})` },
  'dead-letters': {
    kind: 'topic',
    help: `where messages go that cannot be processed (default ${DEFAULT_DEAD_LETTERS})`,
  },
  'fail-rate': { kind: 'fraction', help: 'how often the (simulated) ledger service fails a call (default 0.2)' },
  poison: { kind: 'whole-number', help: 'first write N messages that no consumer can decode (default 0)' },
} as const;

const about =
  "Your lesson 06 processor on the simulator's topic: a ledger service that fails one call in five, retries, poison pills (--poison N) and dead letters. Ctrl+C stops it through your stopOnSignals.";

runDemo({ program: 'npm run processor', about, flags }, async ({ flags, source, lesson, connection, stop }) => {
  const { ReliableProcessor, stopOnSignals } = await lesson<ProcessorLesson>('lesson-06', 'processor.ts');
  const topic = flags.topic ?? DEFAULT_TOPIC;
  const groupId = flags.group ?? DEFAULT_GROUP;
  const deadLetterTopic = flags['dead-letters'] ?? DEFAULT_DEAD_LETTERS;
  const failRate = flags['fail-rate'] ?? 0.2;
  await prepareTopics(connection('admin'), topic, deadLetterTopic, flags.poison ?? 0);

  /** Attempts so far per message, to tell a retry from the last attempt. */
  const attempts = new Map<string, number>();
  const where = (partition: number, offset: string) => `${partition}/${offset}`;
  let seen = 0;

  /** Yours, plus one line for each message it parks: what went wrong and after how many attempts. */
  class ShowingDeadLetters extends ReliableProcessor {
    protected override async deadLetter(partition: number, message: KafkaMessage, error: unknown, tries: number) {
      await super.deadLetter(partition, message, error, tries);
      attempts.delete(where(partition, message.offset));
      const why = error instanceof Error ? error.message : String(error);
      print(
        `       ☠️  partition ${partition}, offset ${message.offset} → ${deadLetterTopic} after ${tries} attempt${tries === 1 ? '' : 's'}: ${why}`,
      );
    }
  }
  const processor = new ShowingDeadLetters({
    connection: connection('processor'),
    topic,
    groupId,
    deadLetterTopic,
    maxAttempts: MAX_ATTEMPTS,
    handle: (tx, { partition, offset }) => {
      const attempt = (attempts.get(where(partition, offset)) ?? 0) + 1;
      attempts.set(where(partition, offset), attempt);
      if (Math.random() < failRate) {
        const next = attempt < MAX_ATTEMPTS ? 'it will be retried' : 'no attempts left';
        print(
          `       ⚠️  ${tx.transaction_id}: the (simulated) ledger service did not answer (attempt ${attempt} of ${MAX_ATTEMPTS}); ${next}`,
        );
        throw new Error('simulated outage of the ledger service');
      }
      attempts.delete(where(partition, offset));
      print(`${formatNumberedTransaction(++seen, tx)}   (partition ${partition}, offset ${offset})`);
    },
  });

  // yours: the first Ctrl+C or SIGTERM stops the processor; the frame's stop (the same signals,
  // or npm's shell gone) waits for that same stop, or starts it when no signal came
  let stopping: Promise<void> | undefined;
  const stopOnce = () => (stopping ??= processor.stop());
  stopOnSignals({ stop: stopOnce });

  const crashed = watchConsumer(processor.consumer, topic, {
    assigned: (partitions) => print(formatAssignment(partitions)),
    warn: (line) => print(line),
  });
  print(whoseCode(source));
  await Promise.race([processor.start(), crashed, stopRequested(stop)]);
  print(`Processing ${topic} as group ${groupId} (dead letters go to ${deadLetterTopic}). Ctrl+C stops it gracefully.`);
  await Promise.race([stopRequested(stop), crashed]);

  print('');
  print('🛑 Stopping: finishing the message in hand and committing what was finished...');
  await stopOnce();
  print(
    `👋 Stopped cleanly: ${processor.processedCount} processed, ${processor.deadLetteredCount} sent to ${deadLetterTopic}. Run it again: it resumes where it stopped.`,
  );
});

/** The dead-letter topic must exist; --poison N writes N messages no consumer can decode. */
async function prepareTopics(connection: KafkaConfig, topic: string, deadLetterTopic: string, poison: number) {
  const kafka = new Kafka(connection);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic))
      throw new ConfigError(`there is no topic ${topic} yet: start the simulator first (npm run simulator)`);
    if (!existing.includes(deadLetterTopic)) await admin.createTopics({ topics: [{ topic: deadLetterTopic }] });
  } finally {
    await admin.disconnect();
  }
  if (poison === 0) return;
  const producer = kafka.producer();
  await producer.connect();
  const pills = [Buffer.from('this is not JSON'), Buffer.from('{"account":"ABC"}'), Buffer.from([0xff, 0xfe, 0x00])];
  try {
    await producer.send({
      topic,
      messages: Array.from({ length: poison }, (_, i) => ({ key: `poison-${i}`, value: pills[i % pills.length]! })),
    });
  } finally {
    await producer.disconnect();
  }
  print(`Wrote ${poison} poison pill(s) to ${topic}.`);
}
