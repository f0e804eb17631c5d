import { Kafka } from 'kafkajs';
import { print } from './output.ts';
import { formatTransactionShort } from '../bank/format.ts';
import { createTransactionGenerator } from '../bank/generator.ts';
// the reference's, not yours: the lanes must match kafkajs's choice of partition even while lesson 02 is unfinished
import { partitionFor } from '../solutions/02-keys-and-partitions/keys.ts';
import { isBrokerLoss } from './broker-loss.ts';
import { RIDE_OUT_SECONDS, runDemo, whoseCode, type Demo } from './run-demo.ts';
import { DEFAULT_PARTITIONS as PARTITIONS, DEFAULT_RATE, DEFAULT_TOPIC } from './defaults.ts';
import { avroSender, FORMAT_FLAG, parseFormat } from './formats.ts';
import { streamTransactions } from './stream.ts';
import { withoutNewTopicRace } from '../workshop/kafka/new-topic-race.ts';

/**
 * `npm run simulator`: the seed's bank-transaction stream. It runs your lesson 01 producer and
 * your lesson 02 topic and key functions (or the reference ones with --solution).
 */
const REPORT_EVERY = 10;
const RULE = '='.repeat(50);

type ProducerLesson = typeof import('../solutions/01-producer-basics/producer.ts');
type TopicLesson = typeof import('../solutions/02-keys-and-partitions/topic.ts');
type KeysLesson = typeof import('../solutions/02-keys-and-partitions/keys.ts');

const flags = {
  rate: { kind: 'positive-number', help: `transactions per second (default ${DEFAULT_RATE}: one every 0.5 s)` },
  count: { kind: 'positive-integer', help: 'stop after this many transactions (default: run until Ctrl+C)' },
  topic: {
    kind: 'topic',
    help: `topic to publish to (default ${DEFAULT_TOPIC}; created with ${PARTITIONS} partitions if missing)`,
  },
  seed: { kind: 'integer', help: 'seed for the generator: the same seed sends the same transactions' },
  accounts: {
    kind: 'positive-integer',
    help: 'draw from this many accounts (default: any of 1000–5000); a few make balances change often',
  },
  ...FORMAT_FLAG,
} as const;

async function loadCode(lesson: Demo<typeof flags>['lesson']) {
  const [producer, topic, keys] = await Promise.all([
    lesson<ProducerLesson>('lesson-01', 'producer.ts'),
    lesson<TopicLesson>('lesson-02', 'topic.ts'),
    lesson<KeysLesson>('lesson-02', 'keys.ts'),
  ]);
  return { ...producer, ...topic, ...keys };
}

function describeRate(rate: number): string {
  const gap = 1 / rate;
  return rate <= 10
    ? `1 transaction every ${Number(gap.toFixed(3))} seconds`
    : `${Number(rate.toFixed(1))} transactions per second`;
}

const about =
  "The seed's bank-transaction stream: transactions keyed by account, sent at a steady rate through your lesson 01 producer, to a topic made by your lesson 02 code.";

const spec = { program: 'npm run simulator', about, flags };

runDemo(spec, async ({ flags, source, lesson, brokers, connection, stop }) => {
  const { TransactionProducer, ensureTopic, keyFor } = await loadCode(lesson);
  const topic = flags.topic ?? DEFAULT_TOPIC;
  const rate = flags.rate ?? DEFAULT_RATE;

  // lesson 01 before lesson 02: an unfinished producer is the first thing to report (lesson 09's, for Avro)
  const producer =
    parseFormat(flags.format) === 'avro'
      ? await avroSender(source, connection('producer'), topic, (line) => print(line))
      : new TransactionProducer(connection('producer'), topic);

  print('🏦 Bank Transaction Stream Simulator');
  print(RULE);
  print(`📡 Connecting to Kafka at ${brokers.join(',')}`);
  const admin = new Kafka(connection('admin')).admin();
  await admin.connect();
  let partitions: number;
  try {
    if (await ensureTopic(withoutNewTopicRace(admin), topic, PARTITIONS))
      print(`🆕 Created topic ${topic} with ${PARTITIONS} partitions`);
    partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? PARTITIONS;
  } finally {
    await admin.disconnect();
  }
  await producer.connect();
  print(`📨 Publishing to topic: ${topic}`);
  print(`⏱️  Rate: ${describeRate(rate)}`);
  print(whoseCode(source));
  print(RULE);
  print(flags.count ? `Sending ${flags.count} transactions. Press Ctrl+C to stop early` : 'Press Ctrl+C to stop');
  print('');

  let result;
  let confirmed = 0;
  try {
    result = await streamTransactions({
      rate,
      count: flags.count,
      stop,
      next: createTransactionGenerator({ seed: flags.seed, accounts: flags.accounts }),
      send: (tx) => producer.send(tx, keyFor(tx)),
      // One send at a time per partition. When a request fails, kafkajs 2.2.4's idempotent producer
      // gives its sequence number to the next send to that partition. If the broker had stored the
      // failed request after all (it died before answering), it takes that next send for a repeat
      // and drops it, and the retry then stores the first one twice. In order, per partition, that
      // cannot happen, and each account's transactions stay in order even through a broker restart.
      laneOf: (tx) => partitionFor(keyFor(tx), partitions),
      onSent: (tx, sent) => {
        confirmed = sent;
        if (sent % REPORT_EVERY === 0) print(`✅ Sent ${sent} transactions | Latest: ${formatTransactionShort(tx)}`);
      },
    });
  } catch (error) {
    // the send's error is the one to report, even when close() fails too
    await producer.close().catch(() => undefined);
    if (!isBrokerLoss(error)) throw error;
    throw new Error(
      `lost the Kafka broker at ${brokers.join(',')}: it did not come back within about ${RIDE_OUT_SECONDS} s (${(error as Error).message}). ` +
        `The ${confirmed} transactions Kafka confirmed are stored. Start the broker again (npm run kafka, or docker compose up -d), then the simulator.`,
      { cause: error },
    );
  }
  await producer.close();

  const seconds = result.elapsedMs / 1000;
  print('');
  print(RULE);
  print(
    `🛑 Stopped. Sent ${result.sent} transactions to ${topic} in ${seconds.toFixed(1)} s (${(result.sent / Math.max(seconds, 0.001)).toFixed(1)} per second)`,
  );
  print(RULE);
});
