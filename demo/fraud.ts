import { Kafka } from 'kafkajs';
import { formatTransaction } from '../bank/format.ts';
import { formatAssignment, watchConsumer } from './consumer-events.ts';
import { DEFAULT_PARTITIONS, DEFAULT_TOPIC } from './defaults.ts';
import { loadLesson } from './lesson-code.ts';
import { runDemo, SOLUTION_FLAG, stopRequested, whoseCode } from './run-demo.ts';
import { waitForTopic } from './topics.ts';

/**
 * `npm run fraud`: lesson 04's fraud detector as a live program. It reads the same topic as
 * the monitor in a group of its own, so both see every transaction (scenario 3). It runs
 * your lesson 04 detector, and lesson 02's ensureTopic for the alerts topic.
 */
type FraudLesson = typeof import('../solutions/04-multi-group-pubsub/fraud.ts');
type TopicLesson = typeof import('../solutions/02-keys-and-partitions/topic.ts');

const RULE = '='.repeat(60);
const REPORT_EVERY = 10;

const spec = {
  group: { kind: 'text', help: 'consumer group id (default fraud-detector)' },
  topic: { kind: 'topic', help: `topic to read (default ${DEFAULT_TOPIC})` },
  'alerts-topic': { kind: 'topic', help: 'topic the alerts are published to (default fraud-alerts)' },
  latest: { kind: 'switch', help: 'a new group starts at the end of the topic instead of the beginning' },
  ...SOLUTION_FLAG,
} as const;

runDemo('npm run fraud', spec, async ({ flags, source, brokers, connection, stop }) => {
  const [{ FraudDetector, FRAUD_GROUP_ID, ALERTS_TOPIC }, { ensureTopic }] = await Promise.all([
    loadLesson<FraudLesson>(source, '04-multi-group-pubsub', 'fraud.ts'),
    loadLesson<TopicLesson>(source, '02-keys-and-partitions', 'topic.ts'),
  ]);
  const topic = flags.topic ?? DEFAULT_TOPIC;
  const groupId = flags.group ?? FRAUD_GROUP_ID;
  const alertsTopic = flags['alerts-topic'] ?? ALERTS_TOPIC;

  let checked = 0;
  let alerts = 0;
  const detector = new FraudDetector({
    connection: connection('detector'),
    topic,
    alertsTopic,
    groupId,
    fromBeginning: !flags.latest,
    onTransaction: () => {
      if (++checked % REPORT_EVERY === 0) console.log(`🔎 Checked ${checked} transactions | ${alerts} alert${alerts === 1 ? '' : 's'}`);
    },
    onAlert: (alert) => {
      alerts += 1;
      console.log(`🚨 ALERT ${formatTransaction(alert)} | ${alert.reason}`);
    },
  });

  const admin = new Kafka(connection('admin')).admin();
  await admin.connect();
  try {
    console.log('🕵️  Fraud Detector');
    console.log(RULE);
    console.log(`✅ Connected to Kafka at ${brokers.join(',')}`);
    // the detector publishes to its alerts topic; like the simulator, the program creates it (lesson 02)
    await ensureTopic(admin, alertsTopic, DEFAULT_PARTITIONS);
    const found = await waitForTopic(admin, topic, stop, () =>
      console.log(`⏳ Topic ${topic} does not exist yet: start the simulator (npm run simulator) and the detector will begin.`),
    );
    if (!found) return;
  } finally {
    await admin.disconnect();
  }
  console.log(`📥 Consuming from topic: ${topic}`);
  console.log(`👥 Consumer group: ${groupId}`);
  console.log(`🚨 Publishing alerts to topic: ${alertsTopic}`);
  console.log(whoseCode(source));
  console.log(RULE);

  const crashed = watchConsumer(detector.consumer, topic, {
    assigned: (partitions) => console.log(formatAssignment(partitions)),
    warn: (line) => console.log(line),
  });
  await Promise.race([detector.start(), crashed, stopRequested(stop)]);
  await Promise.race([stopRequested(stop), crashed]);

  console.log('');
  console.log('🛑 Stopping: committing the offsets of what was checked...');
  await detector.stop();
  console.log(`👋 Checked ${checked} transactions and raised ${alerts} alert${alerts === 1 ? '' : 's'}. Run it again to resume where this one left off.`);
});
