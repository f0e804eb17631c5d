import { Kafka } from 'kafkajs';
import { print } from './output.ts';
import { formatTransaction } from '../bank/format.ts';
import { formatAssignment, watchConsumer } from './consumer-events.ts';
import { DEFAULT_PARTITIONS, DEFAULT_TOPIC } from './defaults.ts';
import { readEitherFormat } from './formats.ts';
import { runDemo, stopRequested, whoseCode } from './run-demo.ts';
import { waitForTopic } from './topics.ts';
import { withoutNewTopicRace } from '../workshop/kafka/new-topic-race.ts';

/**
 * `npm run fraud`: lesson 04's fraud detector as a live program. It reads the same topic as
 * the monitor in a group of its own, so both see every transaction (scenario 3). It runs
 * your lesson 04 detector, and lesson 02's ensureTopic for the alerts topic.
 */
type FraudLesson = typeof import('../solutions/04-multi-group-pubsub/fraud.ts');
type TopicLesson = typeof import('../solutions/02-keys-and-partitions/topic.ts');

const RULE = '='.repeat(60);
const REPORT_EVERY = 10;

const flags = {
  group: { kind: 'text', help: 'consumer group id (default fraud-detector)' },
  topic: { kind: 'topic', help: `topic to read (default ${DEFAULT_TOPIC})` },
  'alerts-topic': { kind: 'topic', help: 'topic the alerts are published to (default fraud-alerts)' },
  latest: { kind: 'switch', help: 'a new group starts at the end of the topic instead of the beginning' },
} as const;

const about =
  "Lesson 04's fraud detector, live: it reads the monitor's topic in a consumer group of its own, so both see every transaction, and publishes its alerts to a topic of their own.";

runDemo({ program: 'npm run fraud', about, flags }, async ({ flags, source, lesson, brokers, connection, stop }) => {
  const [{ FraudDetector, FRAUD_GROUP_ID, ALERTS_TOPIC }, { ensureTopic }] = await Promise.all([
    lesson<FraudLesson>('lesson-04', 'fraud.ts'),
    lesson<TopicLesson>('lesson-02', 'topic.ts'),
  ]);
  const topic = flags.topic ?? DEFAULT_TOPIC;
  const groupId = flags.group ?? FRAUD_GROUP_ID;
  const alertsTopic = flags['alerts-topic'] ?? ALERTS_TOPIC;

  let checked = 0;
  let alerts = 0;
  // messages that are not transactions are skipped by lesson 03's consumer; say how many, once there are some
  const skipped = (around: (note: string) => string) =>
    detector.malformedCount > 0 ? around(`${detector.malformedCount} malformed skipped`) : '';
  const detector = new FraudDetector({
    connection: connection('detector'),
    topic,
    alertsTopic,
    groupId,
    fromBeginning: !flags.latest,
    onTransaction: () => {
      if (++checked % REPORT_EVERY === 0)
        print(
          `🔎 Checked ${checked} transactions | ${alerts} alert${alerts === 1 ? '' : 's'}${skipped((note) => ` | ${note}`)}`,
        );
    },
    onAlert: (alert) => {
      alerts += 1;
      print(`🚨 ALERT ${formatTransaction(alert)} | ${alert.reason}`);
    },
  });

  const admin = new Kafka(connection('admin')).admin();
  await admin.connect();
  try {
    print('🕵️  Fraud Detector');
    print(RULE);
    print(`✅ Connected to Kafka at ${brokers.join(',')}`);
    // the detector publishes to its alerts topic; like the simulator, the program creates it (lesson 02)
    await ensureTopic(withoutNewTopicRace(admin), alertsTopic, DEFAULT_PARTITIONS);
    const found = await waitForTopic(admin, topic, stop, () =>
      print(
        `⏳ Topic ${topic} does not exist yet: start the simulator (npm run simulator) and the detector will begin.`,
      ),
    );
    if (!found) return;
  } finally {
    await admin.disconnect();
  }
  print(`📥 Consuming from topic: ${topic}`);
  print(`👥 Consumer group: ${groupId}`);
  print(`🚨 Publishing alerts to topic: ${alertsTopic}`);
  print(whoseCode(source));
  print(RULE);

  // JSON and Avro (lesson 09) alike, told apart by the first byte
  readEitherFormat(detector.consumer, (line) => print(line));
  const crashed = watchConsumer(detector.consumer, topic, {
    assigned: (partitions) => print(formatAssignment(partitions)),
    warn: (line) => print(line),
  });
  await Promise.race([detector.start(), crashed, stopRequested(stop)]);
  await Promise.race([stopRequested(stop), crashed]);

  print('');
  print('🛑 Stopping: committing the offsets of what was checked...');
  await detector.stop();
  print(
    `👋 Checked ${checked} transactions${skipped((note) => ` (${note})`)} and raised ${alerts} alert${alerts === 1 ? '' : 's'}. Run it again to resume where this one left off.`,
  );
});
