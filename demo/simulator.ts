import { Kafka } from 'kafkajs';
import { formatTransactionShort } from '../bank/format.ts';
import { createTransactionGenerator } from '../bank/generator.ts';
// the reference's, not yours: the lanes must match kafkajs's choice of partition even while lesson 02 is unfinished
import { partitionFor } from '../solutions/02-keys-and-partitions/keys.ts';
import { loadLesson, type CodeSource } from './lesson-code.ts';
import { isBrokerLoss } from './broker-loss.ts';
import { RIDE_OUT_SECONDS, runDemo, SOLUTION_FLAG, whoseCode } from './run-demo.ts';
import { DEFAULT_PARTITIONS as PARTITIONS, DEFAULT_RATE, DEFAULT_TOPIC } from './defaults.ts';
import { streamTransactions } from './stream.ts';

/**
 * `npm run simulator`: the seed's bank-transaction stream. It runs your lesson 01 producer and
 * your lesson 02 topic and key functions (or the reference ones with --solution).
 */
const REPORT_EVERY = 10;
const RULE = '='.repeat(50);

type ProducerLesson = typeof import('../solutions/01-producer-basics/producer.ts');
type TopicLesson = typeof import('../solutions/02-keys-and-partitions/topic.ts');
type KeysLesson = typeof import('../solutions/02-keys-and-partitions/keys.ts');

const spec = {
  rate: { kind: 'positive-number', help: `transactions per second (default ${DEFAULT_RATE}: one every 0.5 s)` },
  count: { kind: 'positive-integer', help: 'stop after this many transactions (default: run until Ctrl+C)' },
  topic: { kind: 'topic', help: `topic to publish to (default ${DEFAULT_TOPIC}; created with ${PARTITIONS} partitions if missing)` },
  seed: { kind: 'integer', help: 'seed for the generator: the same seed sends the same transactions' },
  ...SOLUTION_FLAG,
} as const;

async function loadCode(source: CodeSource) {
  const [producer, topic, keys] = await Promise.all([
    loadLesson<ProducerLesson>(source, '01-producer-basics', 'producer.ts'),
    loadLesson<TopicLesson>(source, '02-keys-and-partitions', 'topic.ts'),
    loadLesson<KeysLesson>(source, '02-keys-and-partitions', 'keys.ts'),
  ]);
  return { ...producer, ...topic, ...keys };
}

function describeRate(rate: number): string {
  const gap = 1 / rate;
  return rate <= 10
    ? `1 transaction every ${Number(gap.toFixed(3))} seconds`
    : `${Number(rate.toFixed(1))} transactions per second`;
}

runDemo('npm run simulator', spec, async ({ flags, source, brokers, connection, stop }) => {
  const { TransactionProducer, ensureTopic, keyFor } = await loadCode(source);
  const topic = flags.topic ?? DEFAULT_TOPIC;
  const rate = flags.rate ?? DEFAULT_RATE;

  // lesson 01 before lesson 02: an unfinished producer is the first thing to report
  const producer = new TransactionProducer(connection('producer'), topic);

  console.log('🏦 Bank Transaction Stream Simulator');
  console.log(RULE);
  console.log(`📡 Connecting to Kafka at ${brokers.join(',')}`);
  const admin = new Kafka(connection('admin')).admin();
  await admin.connect();
  let partitions: number;
  try {
    if (await ensureTopic(admin, topic, PARTITIONS)) console.log(`🆕 Created topic ${topic} with ${PARTITIONS} partitions`);
    partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? PARTITIONS;
  } finally {
    await admin.disconnect();
  }
  await producer.connect();
  console.log(`📨 Publishing to topic: ${topic}`);
  console.log(`⏱️  Rate: ${describeRate(rate)}`);
  console.log(whoseCode(source));
  console.log(RULE);
  console.log(flags.count ? `Sending ${flags.count} transactions. Press Ctrl+C to stop early` : 'Press Ctrl+C to stop');
  console.log('');

  let result;
  let confirmed = 0;
  try {
    result = await streamTransactions({
      rate,
      count: flags.count,
      stop,
      next: createTransactionGenerator({ seed: flags.seed }),
      send: (tx) => producer.send(tx, keyFor(tx)),
      // One send at a time per partition. When a request fails, kafkajs 2.2.4's idempotent producer
      // gives its sequence number to the next send to that partition. If the broker had stored the
      // failed request after all (it died before answering), it takes that next send for a repeat
      // and drops it, and the retry then stores the first one twice. In order, per partition, that
      // cannot happen, and each account's transactions stay in order even through a broker restart.
      laneOf: (tx) => partitionFor(keyFor(tx), partitions),
      onSent: (tx, sent) => {
        confirmed = sent;
        if (sent % REPORT_EVERY === 0) console.log(`✅ Sent ${sent} transactions | Latest: ${formatTransactionShort(tx)}`);
      },
    });
  } catch (error) {
    // the send's error is the one to report, even when close() fails too
    await producer.close().catch(() => undefined);
    if (!isBrokerLoss(error)) throw error;
    throw new Error(
      `lost the Kafka broker at ${brokers.join(',')}: it did not come back within about ${RIDE_OUT_SECONDS} s (${(error as Error).message}). ` +
        `The ${confirmed} transactions Kafka confirmed are stored. Start the broker again (npm run kafka, or docker compose up -d), then the simulator.`,
    );
  }
  await producer.close();

  const seconds = result.elapsedMs / 1000;
  console.log('');
  console.log(RULE);
  console.log(`🛑 Stopped. Sent ${result.sent} transactions to ${topic} in ${seconds.toFixed(1)} s (${(result.sent / Math.max(seconds, 0.001)).toFixed(1)} per second)`);
  console.log(RULE);
});

