import { Kafka } from 'kafkajs';
import { formatNumberedTransaction, formatStatistics } from '../bank/format.ts';
import { formatAssignment, watchConsumer } from './consumer-events.ts';
import { chooseLagReader, formatLag } from './lag.ts';
import { loadLesson } from './lesson-code.ts';
import { runDemo, SOLUTION_FLAG, stopRequested, whoseCode } from './run-demo.ts';
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

const spec = {
  group: { kind: 'text', help: 'consumer group id (default transaction-monitor); monitors in one group share the partitions' },
  topic: { kind: 'topic', help: `topic to read (default ${DEFAULT_TOPIC})` },
  'stats-every': { kind: 'positive-integer', help: 'print the statistics after every N transactions (default 10)' },
  latest: { kind: 'switch', help: 'a new group starts at the end of the topic instead of the beginning' },
  ...SOLUTION_FLAG,
} as const;

runDemo('npm run monitor', spec, async ({ flags, source, brokers, connection, stop }) => {
  const { TransactionConsumer, DEFAULT_GROUP_ID } = await loadLesson<ConsumerLesson>(source, '03-consumer-groups', 'consumer.ts');
  const readLag = await chooseLagReader(source, (line) => console.log(line));
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
      console.log(formatNumberedTransaction(++printed, tx));
      if (printed % statsEvery === 0) console.log(`${formatStatistics(monitor.statistics())}\n`);
    },
    onMalformed: (error, where) => console.log(`⚠️  Skipped a malformed message (partition ${where.partition}, offset ${where.offset}): ${error.message}`),
  });
  const crashed = watchConsumer(monitor.consumer, topic, {
    assigned: (partitions) => console.log(formatAssignment(partitions)),
    warn: (line) => console.log(line),
  });

  const admin = new Kafka(connection('admin')).admin();
  await admin.connect();
  // the lag line appears when it changes, so an idle monitor does not repeat itself
  let lastLag = '';
  const showLag = () =>
    readLag(admin, groupId, topic).then(
      (lags) => {
        const line = formatLag(lags);
        if (line !== lastLag) console.log((lastLag = line));
      },
      () => undefined, // a lag reading that fails (say, mid-rebalance) is simply skipped
    );
  let lagTimer: NodeJS.Timeout | undefined;
  try {
    console.log(`✅ Connected to Kafka at ${brokers.join(',')}`);
    const found = await waitForTopic(admin, topic, stop, () =>
      console.log(`⏳ Topic ${topic} does not exist yet: start the simulator (npm run simulator) and this monitor will begin.`),
    );
    if (!found) return;
    console.log(`📥 Consuming from topic: ${topic}`);
    console.log(`👥 Consumer group: ${groupId}`);
    console.log(whoseCode(source));
    console.log(RULE);
    console.log('🎯 Starting to consume messages...');
    console.log('');

    await Promise.race([monitor.start(), crashed, stopRequested(stop)]);
    void showLag();
    lagTimer = setInterval(showLag, LAG_EVERY_MS);
    await Promise.race([stopRequested(stop), crashed]);
    clearInterval(lagTimer);

    console.log('');
    console.log('🛑 Stopping: committing the offsets of what was processed...');
    await monitor.stop();
    console.log(formatStatistics(monitor.statistics()).replace('REAL-TIME STATISTICS', 'FINAL STATISTICS'));
    lastLag = '';
    await showLag();
    const skipped = monitor.malformedCount > 0 ? ` and skipped ${monitor.malformedCount} malformed` : '';
    console.log(`👋 Processed ${monitor.processedCount} transactions${skipped}. Run it again to resume where this one left off.`);
  } finally {
    clearInterval(lagTimer);
    await admin.disconnect();
  }
});
