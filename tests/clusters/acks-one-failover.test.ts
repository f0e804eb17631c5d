import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, type Admin } from 'kafkajs';
import { afterAll, expect, test } from 'vitest';
import { waitFor } from '../../checks/support/wait.ts';
import type { JvmCluster } from '../../workshop/broker/cluster.ts';
import { startEphemeralCluster, type RunningCluster } from '../../workshop/broker/ephemeral-broker.ts';
import { kafkaConfig } from '../../workshop/config.ts';
import { runKafkaTool } from '../e2e/support/kafka-tools.ts';

/**
 * What lessons 01 and 08 teach about acks: 1, shown on a real cluster instead of asserted: a
 * leader that acknowledges a message and dies before a follower has copied it takes the message
 * with it, the next leader hands the same offsets to other messages, and the old leader, back
 * again, throws its copies away (KIP-101) so that every replica agrees on the new history.
 *
 * The followers are frozen (SIGSTOP) for about a second, far less than the 3 s after which the
 * controller would give up on them, so they stay in sync while the leader writes alone: the
 * moment between "acknowledged" and "replicated" that a crash hits by chance, made certain.
 */
const DUMP_LOG = 'kafka.tools.DumpLogSegments';
const LOST = 5;

let running: RunningCluster | undefined;
afterAll(async () => {
  for (const node of running?.cluster.brokerNodes ?? []) resume(running!.cluster, node.id);
  await running?.stop();
}, 60_000);

test('acks: 1 — the leader dies before its followers copy a message: the message is gone and its offset names another', async () => {
  running = await startEphemeralCluster((line) => console.log(`[kafka] ${line}`));
  const { cluster, brokers } = running;
  const topic = 'acks-one-failover';
  const kafka = new Kafka(kafkaConfig('acks-one-failover', brokers));
  const admin = kafka.admin();
  const producer = kafka.producer();
  await admin.connect();
  await producer.connect();
  try {
    // broker 1 leads (the first replica listed is the preferred leader), 2 and 3 follow
    await admin.createTopics({
      topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }],
      waitForLeaders: false,
    });
    await cluster.waitForTopic(topic);
    await waitFor(async () => ((await state(admin, topic))?.isr.length === 3 ? true : undefined), {
      timeoutMs: 20_000,
      expected: 'all three replicas in sync',
      likelyCause: 'a broker of the cluster did not start or cannot reach the others',
    });
    // acks: -1 answers once every in-sync replica has it: the followers are fetching
    const send = async (value: string, acks: 1 | -1) =>
      Number((await producer.send({ topic, acks, messages: [{ value }] }))[0]!.baseOffset);
    await send('replicated', -1);

    for (const follower of [2, 3]) await pause(cluster, follower);
    // a follower may have had a fetch waiting at the leader: this message answers it, the next ones reach nobody
    await send('flush', 1);
    const lost: { value: string; offset: number }[] = [];
    for (let i = 0; i < LOST; i++)
      lost.push({ value: `acknowledged-${i}`, offset: await send(`acknowledged-${i}`, 1) });
    await cluster.kill(1);
    for (const follower of [2, 3]) resume(cluster, follower);

    const next = await waitFor(
      async () => {
        const now = await state(admin, topic).catch(() => undefined);
        return now && now.leader !== 1 && now.leader >= 0 ? now.leader : undefined;
      },
      {
        timeoutMs: 30_000,
        expected: 'a new leader after broker 1 was killed',
        likelyCause: 'the controller did not see broker 1 go (a broker session timeout longer than the wait)',
      },
    );
    expect([2, 3]).toContain(next);

    // the new leader never had the acknowledged messages, so the next messages get their offsets
    const after: { value: string; offset: number }[] = [];
    for (let i = 0; i < LOST + 2; i++) after.push({ value: `after-${i}`, offset: await send(`after-${i}`, -1) });
    const stored = await readAll(kafka, topic);
    // the fetch that the flush answered may have been read out after the first acknowledged messages
    // were written too, and carried them: those survive, always a first few, and the rest are gone
    const survived = lost.filter(({ value }) => stored.includes(value));
    expect(survived.map((m) => m.value)).toEqual(lost.slice(0, survived.length).map((m) => m.value));
    const gone = lost.slice(survived.length);
    expect(gone.length, 'acknowledged messages lost with the leader').toBeGreaterThan(0);
    for (const { offset } of gone) expect(after.map((m) => m.offset)).toContain(offset);
    for (const { offset } of gone) expect(stored[offset]).toMatch(/^after-/);

    // the old leader comes back, finds that its history diverged from the new leader's, truncates and catches up
    await cluster.restart([1]);
    await waitFor(async () => ((await state(admin, topic))?.isr.includes(1) ? true : undefined), {
      timeoutMs: 30_000,
      expected: 'broker 1 back in sync',
      likelyCause: 'broker 1 did not restart or cannot catch up with the leader',
    });
    const onBroker1 = await dumpedValues(cluster, topic);
    for (const { offset } of gone) expect(onBroker1.get(offset)).toMatch(/^after-/);
    const goneValues = new Set(gone.map((m) => m.value));
    expect([...onBroker1.values()].filter((value) => goneValues.has(value))).toEqual([]);
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}, 240_000);

async function state(admin: Admin, topic: string): Promise<{ leader: number; isr: number[] } | undefined> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions[0];
}

/** Freezes a broker's JVM: it neither fetches nor heartbeats until it is resumed. */
async function pause(cluster: JvmCluster, id: number): Promise<void> {
  const pid = cluster.pidOf(cluster.node(id))!;
  process.kill(pid, 'SIGSTOP');
  // the signal is delivered asynchronously: go on only once the process really stands still
  await waitFor(() => (isStopped(pid) ? true : undefined), {
    timeoutMs: 2000,
    intervalMs: 5,
    expected: `broker ${id} (pid ${pid}) to stop on SIGSTOP`,
    likelyCause: 'the machine is too busy to deliver the signal in time',
  });
}

function resume(cluster: JvmCluster, id: number): void {
  const pid = cluster.pidOf(cluster.node(id));
  if (pid !== undefined) process.kill(pid, 'SIGCONT');
}

function isStopped(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  const state = fs.existsSync(stat)
    ? fs.readFileSync(stat, 'utf8').split(') ')[1]?.[0]
    : execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim()[0];
  return state === 'T';
}

/** Every value of the topic's one partition, by offset, as its leader serves them now. */
async function readAll(kafka: Kafka, topic: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const end = Number((await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect()))[0]!.high);
  const values: string[] = [];
  const consumer = kafka.consumer({ groupId: `acks-one-reader-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => void (values[Number(message.offset)] = message.value?.toString() ?? ''),
    });
    await waitFor(() => (values.filter((v) => v !== undefined).length >= end ? true : undefined), {
      timeoutMs: 20_000,
      expected: `all ${end} messages of ${topic}`,
      likelyCause: 'the consumer stopped reading after the failover',
      lastSeen: () => `${values.length} read`,
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** What broker 1 holds on its own disk, read by Kafka's DumpLogSegments: offset → value. */
async function dumpedValues(cluster: JvmCluster, topic: string): Promise<Map<number, string>> {
  const partitionDir = path.join(cluster.node(1).layout.dir, 'data', `${topic}-0`);
  const segments = fs.readdirSync(partitionDir).filter((file) => file.endsWith('.log'));
  const run = await runKafkaTool(DUMP_LOG, [
    '--print-data-log',
    '--files',
    segments.map((file) => path.join(partitionDir, file)).join(','),
  ]);
  expect(run.code, run.stderr).toBe(0);
  const values = new Map<number, string>();
  for (const match of run.stdout.matchAll(/\boffset: (\d+)\b.*\bpayload: (\S+)/g))
    values.set(Number(match[1]), match[2]!);
  return values;
}
