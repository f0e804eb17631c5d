import { Kafka } from 'kafkajs';
import { decodeBalanceUpdate, formatBalanceUpdate } from '../bank/balance.ts';
import { atLeastOnce, auditLine, superviseBalanceService } from './balance-service.ts';
import { crashOnCommit } from './crash.ts';
import { DEFAULT_PARTITIONS, DEFAULT_TOPIC } from './defaults.ts';
import { runDemo, stopRequested, whoseCode } from './run-demo.ts';
import { waitForTopic } from './topics.ts';
import { withoutNewTopicRace } from '../workshop/kafka/new-topic-race.ts';

/**
 * `npm run balances`: lesson 10 live. Your BalanceService (or the reference with --solution)
 * keeps each account's balance from the simulator's stream and writes the updates in Kafka
 * transactions; your read_committed reader prints them as they become visible. Ctrl+C lets the
 * transaction in hand finish; a transaction whose outcome is unknown restarts the service.
 */
type BalancesLesson = typeof import('../solutions/10-exactly-once/balances.ts');
type ReaderLesson = typeof import('../solutions/10-exactly-once/reader.ts');
type TopicLesson = typeof import('../solutions/02-keys-and-partitions/topic.ts');

const RULE = '='.repeat(60);
const REPORT_EVERY = 100;

const flags = {
  topic: { kind: 'topic', help: `topic of bank transactions to read (default ${DEFAULT_TOPIC})` },
  'balances-topic': { kind: 'topic', help: 'topic the balance updates go to (default balances)' },
  group: { kind: 'text', help: 'consumer group of the service (default balance-service)' },
  'transactional-id': {
    kind: 'text',
    help: "the service's transactionalId (default balance-service-0); a second one with the same id fences the first",
  },
  quiet: { kind: 'switch', help: 'print a line every 100 transactions instead of every balance update' },
  'crash-after': {
    kind: 'positive-integer',
    help: 'once this many transactions are committed, die (SIGKILL) as the next commit request leaves',
  },
  'at-least-once': {
    kind: 'switch',
    help: 'the same service without transactions, to compare: faster, and a crash counts a batch twice',
  },
} as const;

const about =
  "Your lesson 10 balance service next to the simulator: each account's balance from the stream, written in Kafka transactions, printed as a read_committed reader sees it. Ctrl+C finishes the transaction in hand.";

runDemo({ program: 'npm run balances', about, flags }, async ({ flags, source, lesson, brokers, connection, stop }) => {
  const [{ BalanceService }, { createBalanceReader, readUpdates }, { ensureTopic }] = await Promise.all([
    lesson<BalancesLesson>('lesson-10', 'balances.ts'),
    lesson<ReaderLesson>('lesson-10', 'reader.ts'),
    lesson<TopicLesson>('lesson-02', 'topic.ts'),
  ]);
  const inputTopic = flags.topic ?? DEFAULT_TOPIC;
  const outputTopic = flags['balances-topic'] ?? 'balances';
  const groupId = flags.group ?? 'balance-service';
  const transactionalId = flags['transactional-id'] ?? 'balance-service-0';
  const mode = flags['at-least-once'] ? 'at least once (no transactions)' : 'exactly once (Kafka transactions)';

  console.log('💰 Balance Service');
  console.log(RULE);
  const admin = new Kafka(connection('admin')).admin();
  await admin.connect();
  try {
    console.log(`✅ Connected to Kafka at ${brokers.join(',')}`);
    if (await ensureTopic(withoutNewTopicRace(admin), outputTopic, DEFAULT_PARTITIONS))
      console.log(`🆕 Created topic ${outputTopic} with ${DEFAULT_PARTITIONS} partitions`);
    const found = await waitForTopic(admin, inputTopic, stop, () =>
      console.log(`⏳ Topic ${inputTopic} does not exist yet: start the simulator (npm run simulator).`),
    );
    if (!found) return;
  } finally {
    await admin.disconnect();
  }
  console.log(`📥 Reading transactions from: ${inputTopic} (group ${groupId})`);
  console.log(`📤 Writing balance updates to: ${outputTopic}, ${mode}, as ${transactionalId}`);
  console.log(whoseCode(source));
  console.log(RULE);

  // the board: what any read_committed consumer of the balances sees, as it becomes visible
  const board = createBalanceReader(connection('board'), `${groupId}-board-${process.pid}`);
  const joined = new Promise<void>((resolve) => board.on(board.events.GROUP_JOIN, () => resolve()));
  await board.connect();
  await board.subscribe({ topics: [outputTopic], fromBeginning: false });
  await board.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (!flags.quiet) console.log(formatBalanceUpdate(decodeBalanceUpdate(message.value)));
    },
  });
  // from the end of the topic, as it is once the board has joined: every update after that is shown
  await Promise.race([joined, stopRequested(stop)]);

  const started = performance.now();
  let reported = 0;
  const crashAfter = flags['crash-after'];
  const crashing = crashAfter
    ? {
        socketFactory: crashOnCommit(
          () => reported >= crashAfter,
          () =>
            `💥 Killed on purpose (--crash-after ${crashAfter}) as a commit request left: after ${reported} transactions, between produce and commit. Start it again without --crash-after and look for repeats.`,
        ),
      }
    : {};
  let run;
  try {
    run = await superviseBalanceService({
      Service: flags['at-least-once'] ? atLeastOnce(BalanceService) : BalanceService,
      service: { inputTopic, outputTopic, groupId, transactionalId },
      connection: (role) => ({ ...connection(role), ...crashing }),
      stop,
      print: (line) => console.log(line),
      onStarted: (service) =>
        console.log(`🔁 Restored ${service.balances.size} balances from ${outputTopic} (committed updates only)`),
      onProcessed: (processed) => {
        if (Math.floor(processed / REPORT_EVERY) > Math.floor(reported / REPORT_EVERY))
          console.log(`📦 ${processed} transactions committed`);
        reported = processed;
      },
    });
  } finally {
    await board.disconnect();
  }

  const seconds = (performance.now() - started) / 1000;
  console.log('');
  console.log(RULE);
  console.log(
    `👋 Committed ${run.processed} transactions in ${seconds.toFixed(1)} s (${(run.processed / Math.max(seconds, 0.001)).toFixed(1)} per second)` +
      `${run.restarts > 0 ? `, restarted ${run.restarts} time(s)` : ''}. Run it again: it resumes where it stopped, with the balances it committed.`,
  );
  console.log(auditLine(outputTopic, await readUpdates(connection('audit'), outputTopic, groupId)));
  console.log(RULE);
});
