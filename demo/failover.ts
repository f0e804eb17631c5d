import { randomBytes } from 'node:crypto';
import { Kafka, type Admin, type ITopicConfig, type KafkaConfig, type Producer } from 'kafkajs';
import { createTransactionGenerator } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as ProducerModule from '../solutions/08-replication-and-failover/producer.ts';
import type * as ReportModule from '../solutions/08-replication-and-failover/report.ts';
import type * as TopicModule from '../solutions/08-replication-and-failover/topic.ts';
import type { JvmCluster } from '../workshop/broker/cluster.ts';
import { runningOrEphemeralCluster } from '../workshop/broker/local-cluster.ts';
import { median } from '../workshop/bench/measure.ts';
import { kafkaConfig } from '../workshop/config.ts';
import { waitFor } from '../workshop/wait.ts';
import { deleteTopicsQuietly } from '../workshop/platform/topic-deletion.ts';
import { runDemo, type Demo } from './run-demo.ts';

/**
 * `npm run failover`: lesson 08 live. Two streams of transactions run side by side, one through
 * your sendDurably() (acks: -1) and one with acks: 1, into two replicated topics led by the same
 * broker. That broker is killed mid-stream, once, under both. Then both topics are read back:
 * which acknowledged transactions survived?
 *
 * acks: 1 loses only what the leader acknowledged in the few milliseconds before its followers
 * copied it, so one kill may lose nothing. By default rounds repeat until acks: 1 has lost
 * something, or MAX_ROUNDS have run; --rounds N runs exactly N.
 */
type Lesson = typeof TopicModule & typeof ReportModule & typeof ProducerModule;
type Send = (producer: Producer, topic: string, tx: Transaction) => Promise<unknown>;

const log = (line: string) => console.log(line);
/** Sends in flight per stream, as a busy service has: the kill lands between acknowledgement and replication. */
const IN_FLIGHT = 8;
const BEFORE_KILL = 300;
const AFTER_KILL = 300;
const MAX_ROUNDS = 5;

const flags = {
  rounds: {
    kind: 'positive-integer',
    help: `run exactly N rounds (default: until acks: 1 has lost something, at most ${MAX_ROUNDS} rounds)`,
  },
} as const;

const about = [
  'Lesson 08 live, on a 3-node cluster of its own (or the one npm run kafka -- --nodes 3 keeps running): your sendDurably() (acks: -1) and acks: 1 stream side by side into two topics with the same leader; the leader is killed mid-stream, and the survivors are counted.',
  'It needs no broker of yours and leaves the one on 9092 alone.',
].join(' ');

/** acks: 1 for comparison: the leader answers as soon as it alone has the message. */
const sendWithAcksOne: Send = (producer, topic, tx) =>
  producer.send({ topic, acks: 1, messages: [{ key: String(tx.account), value: JSON.stringify(tx) }] });

interface Stream {
  label: string;
  topic: string;
  send: Send;
  producer: Producer;
  acked: Transaction[];
  ackedAfterKill: number;
  failed: number;
  firstAckAfterKill?: number;
}

interface Outcome {
  acked: number;
  lost: number;
  failed: number;
  failoverMs: number;
}

interface Round {
  durable: Outcome;
  fast: Outcome;
  from: number;
  to: number;
}

runDemo({ program: 'npm run failover', about, flags, kafka: 'own' }, async ({ flags, lesson, stop }) => {
  const code = await lesson08(lesson);
  code.replicatedTopic('probe', 1); // your step 1 first: an unfinished lesson stops here with its TODO

  const { cluster, stop: stopCluster } = await runningOrEphemeralCluster(log, 'this run');
  const connection = (role: string) => kafkaConfig(`failover-${role}-${process.pid}`, cluster.brokers);
  const admin = new Kafka(connection('admin')).admin();
  await admin.connect();
  const rounds: Round[] = [];
  try {
    const lostWithAcksOne = () => rounds.some((r) => r.fast.lost > 0);
    const more = () =>
      !stop.aborted && (flags.rounds ? rounds.length < flags.rounds : rounds.length < MAX_ROUNDS && !lostWithAcksOne());
    while (more()) {
      const r = await round(code, cluster, admin, connection);
      rounds.push(r);
      const line = (label: string, o: Outcome) =>
        `round ${rounds.length}  ${label.padEnd(28)} acknowledged ${String(o.acked).padStart(4)}  lost ${String(o.lost).padStart(3)}  failed sends ${String(o.failed).padStart(3)}  first acknowledgement ${(o.failoverMs / 1000).toFixed(2)} s after the kill`;
      log(`round ${rounds.length}: killed broker ${r.from}, the leader of both topics; the new leader is ${r.to}`);
      log(line('acks: -1 (your sendDurably)', r.durable));
      log(line('acks: 1', r.fast));
    }
  } finally {
    await admin.disconnect();
    await stopCluster();
  }
  log('');
  summarize(rounds, flags.rounds, stop.aborted);
});

async function lesson08(lesson: Demo<typeof flags>['lesson']): Promise<Lesson> {
  const modules = await Promise.all(
    ['topic.ts', 'report.ts', 'producer.ts'].map((file) => lesson<Record<string, unknown>>('lesson-08', file)),
  );
  return Object.assign({}, ...modules) as Lesson;
}

/** One kill under both streams: your acks: -1 topic, and an acks: 1 topic placed on the same leader. */
async function round(
  lesson: Lesson,
  cluster: JvmCluster,
  admin: Admin,
  connection: (role: string) => KafkaConfig,
): Promise<Round> {
  const id = randomBytes(3).toString('hex');
  const durableTopic = `failover-acksall-${id}`;
  const fastTopic = `failover-acks1-${id}`;
  await admin.createTopics({ topics: [lesson.replicatedTopic(durableTopic, 1)], waitForLeaders: false });
  await cluster.waitForTopic(durableTopic);
  const [before] = await lesson.partitionReport(admin, durableTopic);
  const from = before!.leader;
  await admin.createTopics({ topics: [sameLeader(lesson.replicatedTopic(fastTopic, 1), from, cluster)] });
  await cluster.waitForTopic(fastTopic);

  const kafka = new Kafka(connection('producer'));
  const streams: Stream[] = [
    { label: 'acks: -1', topic: durableTopic, send: lesson.sendDurably, producer: kafka.producer() },
    { label: 'acks: 1', topic: fastTopic, send: sendWithAcksOne, producer: kafka.producer() },
  ].map((s) => ({ ...s, acked: [], ackedAfterKill: 0, failed: 0 }));
  await Promise.all(streams.map((s) => s.producer.connect()));
  try {
    const next = createTransactionGenerator({ accounts: 20 });
    let killedAt: number | undefined;
    const deadline = Date.now() + 60_000;
    const done = (s: Stream) => s.ackedAfterKill >= AFTER_KILL || Date.now() > deadline;
    const lanes = streams.flatMap((s) =>
      Array.from({ length: IN_FLIGHT }, async () => {
        while (!done(s)) {
          try {
            const tx = next();
            await s.send(s.producer, s.topic, tx);
            s.acked.push(tx);
            if (killedAt !== undefined) {
              s.firstAckAfterKill ??= Date.now();
              s.ackedAfterKill += 1;
            }
          } catch {
            s.failed += 1;
          }
        }
      }),
    );
    const kill = (async () => {
      await waitFor(() => (streams.every((s) => s.acked.length >= BEFORE_KILL) ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 5,
        expected: `${BEFORE_KILL} acknowledged sends on each topic before the kill`,
      });
      await cluster.kill(from);
      // counted from the moment the process is gone: answers the dying leader sent before do not count
      killedAt = Date.now();
    })();
    await Promise.all([...lanes, kill]);

    // a fresh client, as a monitoring tool would open: one connected before the kill may first try the dead broker
    const reportAdmin = kafka.admin();
    await reportAdmin.connect();
    const [after] = await lesson.partitionReport(reportAdmin, durableTopic).finally(() => reportAdmin.disconnect());
    await cluster.restart([from]);
    const outcomes = await Promise.all(
      streams.map(async (s): Promise<Outcome> => {
        await cluster.waitForTopic(s.topic); // the restarted broker catches up on metadata first
        const stored = await readIds(kafka, s.topic);
        return {
          acked: s.acked.length,
          lost: s.acked.filter((tx) => !stored.has(tx.transaction_id)).length,
          failed: s.failed,
          failoverMs: (s.firstAckAfterKill ?? Date.now()) - (killedAt ?? Date.now()),
        };
      }),
    );
    return { durable: outcomes[0]!, fast: outcomes[1]!, from, to: after?.leader ?? -1 };
  } finally {
    await Promise.all(streams.map((s) => s.producer.disconnect()));
    await deleteTopicsQuietly(admin, [durableTopic, fastTopic]);
  }
}

/** Your topic's settings, with its one partition's replicas listed leader first: Kafka makes the first one the leader. */
function sameLeader(config: ITopicConfig, leader: number, cluster: JvmCluster): ITopicConfig {
  const others = cluster.brokerNodes.map((node) => node.id).filter((id) => id !== leader);
  const replicas = [leader, ...others].slice(0, config.replicationFactor ?? 3);
  return { topic: config.topic, configEntries: config.configEntries, replicaAssignment: [{ partition: 0, replicas }] };
}

async function readIds(kafka: Kafka, topic: string): Promise<Set<string>> {
  const admin = kafka.admin();
  await admin.connect();
  const end = Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0);
  await admin.disconnect();
  const ids = new Set<string>();
  if (end === 0) return ids;
  const consumer = kafka.consumer({
    groupId: `failover-reader-${randomBytes(3).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = -1;
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      ids.add((JSON.parse(message.value?.toString() ?? '{}') as Transaction).transaction_id);
      last = Number(message.offset);
    },
  });
  try {
    await waitFor(() => (last + 1 >= end ? true : undefined), {
      timeoutMs: 30_000,
      expected: `${topic} read back to its end offset ${end}`,
      lastSeen: () => `offset ${last}`,
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

/** The totals, and what was measured: how many rounds, and why that many. */
function summarize(rounds: readonly Round[], asked: number | undefined, interrupted: boolean): void {
  const total = (pick: (r: Round) => Outcome) => {
    const list = rounds.map(pick);
    const sum = (key: 'acked' | 'lost') => list.reduce((n, o) => n + o[key], 0).toLocaleString('en-US');
    const failover =
      list.length > 0
        ? ` failover seen by the producer: median ${(median(list.map((o) => o.failoverMs)) / 1000).toFixed(2)} s`
        : '';
    return `lost ${sum('lost')} of ${sum('acked')} acknowledged;${failover}`;
  };
  const n = `${rounds.length} round${rounds.length === 1 ? '' : 's'}`;
  log(`${'acks: -1 (your sendDurably)'.padEnd(28)} ${total((r) => r.durable)}`);
  log(`${'acks: 1'.padEnd(28)} ${total((r) => r.fast)}`);
  const fastLost = rounds.some((r) => r.fast.lost > 0);
  const why = interrupted
    ? 'stopped early (Ctrl+C)'
    : asked
      ? `you asked for ${asked}`
      : fastLost
        ? `until acks: 1 lost something, at most ${MAX_ROUNDS}`
        : `the most it runs by itself`;
  log(
    `Measured: ${n} (${why}), each killing the leader of both topics once, with ${IN_FLIGHT} sends in flight per stream, ${BEFORE_KILL} acknowledged before the kill and ${AFTER_KILL} after it.`,
  );
  if (rounds.length > 0 && !fastLost)
    log(
      `acks: 1 lost nothing this time: the followers had copied every acknowledged transaction before the leader died. That window is a few milliseconds wide, so it can miss; try npm run failover -- --rounds ${MAX_ROUNDS * 2}.`,
    );
}
