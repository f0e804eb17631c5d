import { randomBytes } from 'node:crypto';
import { Kafka, type Admin, type Producer } from 'kafkajs';
import { createTransactionGenerator } from '../../bank/generator.ts';
import type { Transaction } from '../../bank/transaction.ts';
import type * as ProducerModule from '../../solutions/08-replication-and-failover/producer.ts';
import type * as ReportModule from '../../solutions/08-replication-and-failover/report.ts';
import type * as TopicModule from '../../solutions/08-replication-and-failover/topic.ts';
import type { JvmCluster } from '../broker/cluster.ts';
import { runningOrEphemeralCluster } from '../broker/local-cluster.ts';
import { kafkaConfig } from '../config.ts';
import { runCli } from './run-cli.ts';

/**
 * `npm run failover`: lesson 08 live. Streams transactions into a replicated topic, kills the
 * partition's leader mid-stream, and counts what survived: with your sendDurably() (acks: -1)
 * and, for comparison, with acks: 1, under the same kill. Options: --rounds N, --solution.
 */
type Lesson = typeof TopicModule & typeof ReportModule & typeof ProducerModule;
type Send = (producer: Producer, topic: string, tx: Transaction) => Promise<unknown>;

const log = (line: string) => console.log(line);
const IN_FLIGHT = 8;
const BEFORE_KILL = 300;
const AFTER_KILL = 300;

async function loadLesson(solution: boolean): Promise<Lesson> {
  const dir = solution ? '../../solutions/08-replication-and-failover' : '../../lessons/08-replication-and-failover';
  const modules = await Promise.all(['topic.ts', 'report.ts', 'producer.ts'].map((file) => import(`${dir}/${file}`) as Promise<Record<string, unknown>>));
  return Object.assign({}, ...modules) as Lesson;
}

/** acks: 1 for comparison: the leader answers as soon as it alone has the message. */
const sendWithAcksOne: Send = (producer, topic, tx) =>
  producer.send({ topic, acks: 1, messages: [{ key: String(tx.account), value: JSON.stringify(tx) }] });

interface Round {
  acked: number;
  lost: number;
  failed: number;
  failoverMs: number;
  from: number;
  to: number;
}

async function round(lesson: Lesson, cluster: JvmCluster, admin: Admin, send: Send, label: string): Promise<Round> {
  const topic = `failover-${label}-${randomBytes(3).toString('hex')}`;
  await admin.createTopics({ topics: [lesson.replicatedTopic(topic, 1)], waitForLeaders: false });
  await cluster.waitForTopic(topic);
  const kafka = new Kafka(kafkaConfig(`failover-${label}`, cluster.brokers));
  const producer = kafka.producer();
  await producer.connect();
  try {
    const [before] = await lesson.partitionReport(admin, topic);
    const from = before!.leader;
    const next = createTransactionGenerator({ accounts: 20 });
    const acked: Transaction[] = [];
    let failed = 0;
    let killing = false;
    let killedAt: number | undefined;
    let firstAckAfterKill: number | undefined;
    let ackedAfterKill = 0;
    const deadline = Date.now() + 60_000;
    const done = () => ackedAfterKill >= AFTER_KILL || Date.now() > deadline;
    // several sends in flight, as a busy service has: the kill lands between acknowledgement and replication
    const lanes = Array.from({ length: IN_FLIGHT }, async () => {
      while (!done()) {
        const tx = next();
        try {
          await send(producer, topic, tx);
          acked.push(tx);
          if (killedAt !== undefined) {
            firstAckAfterKill ??= Date.now();
            ackedAfterKill += 1;
          }
        } catch {
          failed += 1;
        }
        if (!killing && acked.length >= BEFORE_KILL) {
          killing = true;
          await cluster.kill(from);
          // counted from the moment the process is gone: answers the dying leader sent before do not count
          killedAt = Date.now();
        }
      }
    });
    await Promise.all(lanes);
    // a fresh client, as a monitoring tool would open: one connected before the kill may first try the dead broker
    const reportAdmin = kafka.admin();
    await reportAdmin.connect();
    const [after] = await lesson.partitionReport(reportAdmin, topic).finally(() => reportAdmin.disconnect());
    await cluster.restart([from]);
    await cluster.waitForTopic(topic); // the restarted broker catches up on metadata first
    const stored = await readIds(kafka, topic);
    return {
      acked: acked.length,
      lost: acked.filter((tx) => !stored.has(tx.transaction_id)).length,
      failed,
      failoverMs: (firstAckAfterKill ?? Date.now()) - (killedAt ?? Date.now()),
      from,
      to: after?.leader ?? -1,
    };
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }
}

async function readIds(kafka: Kafka, topic: string): Promise<Set<string>> {
  const admin = kafka.admin();
  await admin.connect();
  const end = Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0);
  await admin.disconnect();
  const ids = new Set<string>();
  if (end === 0) return ids;
  const consumer = kafka.consumer({ groupId: `failover-reader-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`could not read back ${topic} within 30 s`)), 30_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        ids.add((JSON.parse(message.value?.toString() ?? '{}') as Transaction).transaction_id);
        if (Number(message.offset) + 1 >= end) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  }).finally(() => consumer.disconnect());
  return ids;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

runCli(async (args) => {
  const solution = args.includes('--solution');
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt === -1 ? 1 : Number(args[roundsAt + 1]);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds needs a whole number, for example --rounds 5');
  const lesson = await loadLesson(solution);
  lesson.replicatedTopic('probe', 1); // your step 1 first: an unfinished lesson stops here with its TODO

  const { cluster, stop } = await runningOrEphemeralCluster(log, 'this run');

  const admin = new Kafka(kafkaConfig('failover-admin', cluster.brokers)).admin();
  await admin.connect();
  const results: Record<string, Round[]> = { 'acks: -1 (your sendDurably)': [], 'acks: 1': [] };
  try {
    for (let i = 1; i <= rounds; i++) {
      for (const [label, send] of [['acks: -1 (your sendDurably)', lesson.sendDurably], ['acks: 1', sendWithAcksOne]] as const) {
        const r = await round(lesson, cluster, admin, send, label.startsWith('acks: 1') ? 'acks1' : 'acksall');
        results[label]!.push(r);
        log(
          `round ${i}  ${label.padEnd(28)} acknowledged ${String(r.acked).padStart(4)}  lost ${String(r.lost).padStart(3)}  ` +
            `failed sends ${String(r.failed).padStart(3)}  leader ${r.from} → ${r.to}, first acknowledgement ${(r.failoverMs / 1000).toFixed(2)} s after the kill`,
        );
      }
    }
  } finally {
    await admin.disconnect();
    await stop();
  }
  log('');
  for (const [label, list] of Object.entries(results)) {
    const lost = list.reduce((sum, r) => sum + r.lost, 0);
    const acked = list.reduce((sum, r) => sum + r.acked, 0);
    log(`${label.padEnd(28)} lost ${lost} of ${acked} acknowledged; failover seen by the producer: median ${(median(list.map((r) => r.failoverMs)) / 1000).toFixed(2)} s over ${list.length} round(s)`);
  }
});
