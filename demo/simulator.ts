import { Kafka } from 'kafkajs';
import { formatTransactionShort } from '../bank/format.ts';
import { createTransactionGenerator } from '../bank/generator.ts';
import { loadLesson, type CodeSource } from './lesson-code.ts';
import { runDemo, SOLUTION_FLAG, whoseCode } from './run-demo.ts';
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
  try {
    if (await ensureTopic(admin, topic, PARTITIONS)) console.log(`🆕 Created topic ${topic} with ${PARTITIONS} partitions`);
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
  try {
    result = await streamTransactions({
      rate,
      count: flags.count,
      stop,
      next: createTransactionGenerator({ seed: flags.seed }),
      send: (tx) => producer.send(tx, keyFor(tx)),
      onSent: (tx, sent) => {
        if (sent % REPORT_EVERY === 0) console.log(`✅ Sent ${sent} transactions | Latest: ${formatTransactionShort(tx)}`);
      },
    });
  } catch (error) {
    // the send's error is the one to report, even when close() fails too
    await producer.close().catch(() => undefined);
    throw error;
  }
  await producer.close();

  const seconds = result.elapsedMs / 1000;
  console.log('');
  console.log(RULE);
  console.log(`🛑 Stopped. Sent ${result.sent} transactions to ${topic} in ${seconds.toFixed(1)} s (${(result.sent / Math.max(seconds, 0.001)).toFixed(1)} per second)`);
  console.log(RULE);
});
