import { Kafka } from 'kafkajs';
import { print } from './output.ts';
import { formatNumberedTransaction, formatStatistics } from '../bank/format.ts';
import { formatAssignment, watchConsumer } from './consumer-events.ts';
import { chooseLagReader, formatLag } from './lag.ts';
import { readEitherFormat } from './formats.ts';
import { endOffsets, lagFromWhereItStarted } from './lag-from-start.ts';
import { runDemo, stopRequested, whoseCode } from './run-demo.ts';
import { DEFAULT_TOPIC } from './defaults.ts';
import { waitForTopic } from './topics.ts';

/**
 * `npm run monitor`: the seed's real-time monitor. It runs your lesson 03 TransactionConsumer
 * (or the reference with --solution), prints each transaction, the statistics every few, the
 * partitions this process owns (watch them move when a second monitor joins), and the lag.
 */
type ConsumerLesson = typeof import('../solutions/03-consumer-groups/consumer.ts');

const RULE = '='.repeat(60);
const LAG_EVERY_MS = 5000;

const flags = {
  group: {
    kind: 'text',
    help: 'consumer group id (default transaction-monitor); monitors in one group share the partitions',
  },
  topic: { kind: 'topic', help: `topic to read (default ${DEFAULT_TOPIC})` },
  'stats-every': { kind: 'positive-integer', help: 'print the statistics after every N transactions (default 10)' },
  latest: { kind: 'switch', help: 'a new group starts at the end of the topic instead of the beginning' },
} as const;

const about =
  "The seed's real-time monitor: your lesson 03 consumer prints each transaction, the statistics, the partitions it owns and the group's lag. Start a second one to see the group share the partitions.";

runDemo({ program: 'npm run monitor', about, flags }, async ({ flags, source, lesson, brokers, connection, stop }) => {
  const { TransactionConsumer, DEFAULT_GROUP_ID } = await lesson<ConsumerLesson>('lesson-03', 'consumer.ts');
  let readLag = await chooseLagReader(source, (line) => print(line));
  const topic = flags.topic ?? DEFAULT_TOPIC;
  const groupId = flags.group ?? DEFAULT_GROUP_ID;
  const statsEvery = flags['stats-every'] ?? 10;

  let printed = 0;
  const monitor = new TransactionConsumer({
    connection: connection('consumer'),
    topic,
    groupId,
    fromBeginning: !flags.latest,
    onTransaction: (tx) => {
      print(formatNumberedTransaction(++printed, tx));
      if (printed % statsEvery === 0) {
        print(formatStatistics(monitor.statistics()));
        if (monitor.malformedCount > 0) print(`⚠️  Malformed messages skipped: ${monitor.malformedCount}`);
        print('');
      }
    },
    onMalformed: (error, where) =>
      print(`⚠️  Skipped a malformed message (partition ${where.partition}, offset ${where.offset}): ${error.message}`),
  });
  // JSON and Avro (lesson 09) alike, told apart by the first byte
  readEitherFormat(monitor.consumer, (line) => print(line));
  const crashed = watchConsumer(monitor.consumer, topic, {
    assigned: (partitions) => print(formatAssignment(partitions)),
    warn: (line) => print(line),
  });

  const admin = new Kafka(connection('admin')).admin();
  await admin.connect();
  // the lag line appears when it changes, so an idle monitor does not repeat itself
  let lastLag = '';
  const showLag = () =>
    readLag(admin, groupId, topic).then(
      (lags) => {
        const line = formatLag(lags);
        if (line !== lastLag) print((lastLag = line));
      },
      () => undefined, // a lag reading that fails (say, mid-rebalance) is simply skipped
    );
  let lagTimer: NodeJS.Timeout | undefined;
  try {
    print(`✅ Connected to Kafka at ${brokers.join(',')}`);
    const found = await waitForTopic(admin, topic, stop, () =>
      print(
        `⏳ Topic ${topic} does not exist yet: start the simulator (npm run simulator) and this monitor will begin.`,
      ),
    );
    if (!found) return;
    // --latest: what the topic held before this start is never read, so it is no lag
    if (flags.latest) readLag = lagFromWhereItStarted(readLag, await endOffsets(admin, topic));
    print(`📥 Consuming from topic: ${topic}`);
    print(`👥 Consumer group: ${groupId}`);
    print(whoseCode(source));
    print(RULE);
    print('🎯 Starting to consume messages...');
    print('');

    await Promise.race([monitor.start(), crashed, stopRequested(stop)]);
    void showLag();
    lagTimer = setInterval(() => void showLag(), LAG_EVERY_MS);
    await Promise.race([stopRequested(stop), crashed]);
    clearInterval(lagTimer);

    print('');
    print('🛑 Stopping: committing the offsets of what was processed...');
    await monitor.stop();
    print(formatStatistics(monitor.statistics()).replace('REAL-TIME STATISTICS', 'FINAL STATISTICS'));
    lastLag = '';
    await showLag();
    const skipped = monitor.malformedCount > 0 ? ` and skipped ${monitor.malformedCount} malformed` : '';
    print(
      `👋 Processed ${monitor.processedCount} transactions${skipped}. Run it again to resume where this one left off.`,
    );
  } finally {
    clearInterval(lagTimer);
    await admin.disconnect();
  }
});
