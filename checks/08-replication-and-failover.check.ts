import { ConfigResourceTypes, type Admin, type ITopicConfig, type Producer } from 'kafkajs';
import { expect } from 'vitest';
import { createTransactionGenerator, generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Producing from '../solutions/08-replication-and-failover/producer.ts';
import type * as Reporting from '../solutions/08-replication-and-failover/report.ts';
import type { PartitionState } from '../solutions/08-replication-and-failover/report.ts';
import type * as Topics from '../solutions/08-replication-and-failover/topic.ts';
import type { JvmCluster } from '../workshop/broker/cluster.ts';
import { clusterContext, stopClusterAfterAll } from './support/cluster.ts';
import type { CheckContext } from './support/context.ts';
import { asError, defineLesson, registerLesson } from './support/lesson-checks.ts';
import { waitFor, within } from './support/wait.ts';

type Lesson08 = typeof Topics & typeof Reporting & typeof Producing;

// These checks kill brokers, so they run on a 3-node cluster of their own, never the run's broker.
stopClusterAfterAll();

/** Creates the learner's topic on the cluster and proves it is what step 1 asks for. */
async function createReplicatedTopic(spec: ITopicConfig, name: string, on: CheckContext, cluster: JvmCluster): Promise<string> {
  expect(spec?.topic, 'replicatedTopic() must return a config whose `topic` is the name it was given').toBe(name);
  on.ownTopic(name);
  const admin = await on.admin();
  // waitForTopic, not waitForLeaders: kafkajs gives up when it asks a broker that has not heard of the topic yet
  await admin.createTopics({ topics: [spec], waitForLeaders: false }).catch((error: unknown) => {
    throw new Error(`the cluster refused to create the topic from replicatedTopic(): ${asError(error).message}`);
  });
  await cluster.waitForTopic(name);
  const partitions = await clusterView(admin, name);
  for (const p of partitions) {
    expect(
      p.replicas.length,
      `partition ${p.partition} has ${p.replicas.length} ${p.replicas.length === 1 ? 'copy: when its broker dies, so does the data' : 'copies'}. Set replicationFactor: 3, a copy on every broker`,
    ).toBe(3);
  }
  const minInSync = await topicSetting(admin, name, 'min.insync.replicas');
  expect(
    minInSync,
    `the topic's min.insync.replicas is ${minInSync}: then acks: -1 is satisfied by the leader alone. Add configEntries: [{ name: 'min.insync.replicas', value: '2' }]`,
  ).toBe('2');
  return name;
}

/** Every check starts the same way: your step 1 first (an unfinished lesson stops here), then a topic made from it on the whole cluster. */
async function replicatedTopicOnCluster(lesson: Lesson08, ctx: CheckContext, label: string, numPartitions: number) {
  const spec = lesson.replicatedTopic(ctx.name(label), numPartitions);
  const { cluster, on } = await clusterContext(ctx);
  const topic = await createReplicatedTopic(spec, ctx.name(label), on, cluster);
  return { cluster, on, topic };
}

async function topicSetting(admin: Admin, topic: string, name: string): Promise<string | undefined> {
  const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }], includeSynonyms: false });
  return resources[0]?.configEntries.find((entry) => entry.configName === name)?.configValue;
}

/**
 * The check's own, fresh answer: who leads each partition and who is in sync. Right after a
 * kill, kafkajs may first try the dead broker; the question is asked again until a live one answers.
 */
async function truth(admin: Admin, topic: string, accept: (view: PartitionState[]) => boolean = () => true, expected = `the cluster's view of ${topic}`): Promise<PartitionState[]> {
  let last = 'no answer yet';
  return waitFor(
    async () => {
      const view = await clusterView(admin, topic).catch((error: unknown) => void (last = asError(error).message));
      if (view) last = view.map((p) => `partition ${p.partition}: leader ${p.leader}, isr ${p.isr.join(',')}`).join('; ');
      return view && accept(view) ? view : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, expected, lastSeen: () => last },
  );
}

async function clusterView(admin: Admin, topic: string): Promise<PartitionState[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const ascending = (a: number, b: number) => a - b;
  return (topics[0]?.partitions ?? [])
    .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort(ascending), isr: [...p.isr].sort(ascending) }))
    .sort((a, b) => a.partition - b.partition);
}

/** The learner's report, in a comparable shape: a report may list replicas in any order. */
async function learnerReport(lesson: Lesson08, admin: Admin, topic: string): Promise<PartitionState[]> {
  const report = await lesson.partitionReport(admin, topic);
  expect(Array.isArray(report), 'partitionReport() should return an array with one entry per partition').toBe(true);
  const ascending = (a: number, b: number) => a - b;
  return report
    .map((p) => ({ partition: p.partition, leader: p.leader, replicas: [...(p.replicas ?? [])].sort(ascending), isr: [...(p.isr ?? [])].sort(ascending) }))
    .sort((a, b) => a.partition - b.partition);
}

/** A kafkajs client for the learner's code, connected to the cluster and always closed after the check. */
async function learnerAdmin(on: CheckContext): Promise<Admin> {
  const admin = on.kafka('learner-admin').admin();
  on.onCleanup(() => admin.disconnect());
  await admin.connect();
  return admin;
}

async function connectedProducer(on: CheckContext): Promise<Producer> {
  const producer = on.kafka('learner-producer').producer();
  on.onCleanup(() => producer.disconnect());
  await producer.connect();
  return producer;
}

async function killBrokers(cluster: JvmCluster, on: CheckContext, ids: number[]): Promise<void> {
  on.onCleanup(() => cluster.restart(ids));
  await Promise.all(ids.map((id) => cluster.kill(id)));
}

function transactionIds(values: Array<Buffer | null>): Set<string> {
  const ids = new Set<string>();
  for (const value of values) {
    try {
      ids.add((JSON.parse(value?.toString('utf8') ?? 'null') as Transaction).transaction_id);
    } catch {
      // not a transaction: it cannot be one that was acknowledged either
    }
  }
  return ids;
}

export const lesson08 = defineLesson<Lesson08>({
  id: 'lesson-08',
  slug: '08-replication-and-failover',
  files: ['topic.ts', 'report.ts', 'producer.ts'],
  // the checks kill brokers of the one cluster they share, so they take turns
  sequential: true,
  checks: [
    {
      name: 'replicatedTopic() keeps 3 copies and demands 2 in sync',
      timeoutMs: 60_000,
      async run(lesson, ctx) {
        const { on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'replicated', 3);
        expect((await clusterView(await on.admin(), topic)).length, 'replicatedTopic() should create `numPartitions` partitions').toBe(3);
      },
    },
    {
      name: "partitionReport() shows each partition's leader and in-sync replicas",
      timeoutMs: 60_000,
      async run(lesson, ctx) {
        const { on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'report', 3);
        const report = await learnerReport(lesson, await learnerAdmin(on), topic);
        const view = await clusterView(await on.admin(), topic);
        expect(report.map((p) => p.partition), 'the report should have one entry per partition, 0 to 2').toEqual([0, 1, 2]);
        expect(report, "the report differs from the cluster's own answer (leader, replicas and isr of each partition)").toEqual(view);
      },
    },
    {
      name: 'when the leader dies mid-stream, a new leader takes over, the report shows it, and no acknowledged transaction is lost',
      timeoutMs: 90_000,
      async run(lesson, ctx) {
        const { cluster, on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'failover', 1);
        const admin = await learnerAdmin(on);
        const [before] = await learnerReport(lesson, admin, topic);
        const [truthBefore] = await clusterView(await on.admin(), topic);
        expect(before, "before any broker dies, the report differs from the cluster's own answer").toEqual(truthBefore);
        const oldLeader = before!.leader;

        // a stream of sends; the harness kills the leader while it flows
        const producer = await connectedProducer(on);
        const next = createTransactionGenerator({ seed: 8, accounts: 5 });
        const acknowledged: Transaction[] = [];
        const failures: Error[] = [];
        let killed = false;
        let acknowledgedAfterKill = 0;
        let streaming = true;
        const stream = (async () => {
          while (streaming) {
            const tx = next();
            try {
              await lesson.sendDurably(producer, topic, tx);
              acknowledged.push(tx);
              if (killed) acknowledgedAfterKill += 1;
            } catch (error) {
              // a send may fail while a new leader is elected: then it was not acknowledged
              failures.push(asError(error));
            }
          }
        })();
        try {
          await waitFor(() => (acknowledged.length >= 20 ? true : undefined), { timeoutMs: 10_000, expected: '20 transactions acknowledged before the kill', lastSeen: () => `${acknowledged.length}; last error: ${failures.at(-1)?.message ?? 'none'}` });
          await killBrokers(cluster, on, [oldLeader]);
          killed = true;
          await waitFor(() => (acknowledgedAfterKill >= 20 ? true : undefined), {
            timeoutMs: 40_000,
            expected: `sends to succeed again after leader ${oldLeader} died`,
            lastSeen: () => `${acknowledgedAfterKill} acknowledged since; last error: ${failures.at(-1)?.message ?? 'none'}`,
          });
        } finally {
          streaming = false;
          await stream;
        }

        const [truthAfter] = await truth(await on.admin(), topic, ([p]) => p !== undefined && p.leader !== oldLeader && p.leader >= 0, `a new leader instead of broker ${oldLeader}`);
        // a fresh client, as a monitoring tool would open: one connected before the kill may first try the dead broker
        const [after] = await learnerReport(lesson, await learnerAdmin(on), topic);
        expect(
          after!.leader,
          `your report still names broker ${oldLeader} as the leader, but broker ${oldLeader} is dead and broker ${truthAfter!.leader} leads now: ask the cluster on every call (admin.fetchTopicMetadata), never remember an earlier answer`,
        ).toBe(truthAfter!.leader);
        expect(after, `after the failover the report differs from the cluster's own answer`).toEqual(truthAfter);

        const stored = transactionIds((await on.readAll(topic, 15_000)).map((m) => m.value));
        const lost = acknowledged.filter((tx) => !stored.has(tx.transaction_id));
        expect(
          lost.map((tx) => tx.transaction_id),
          `${lost.length} of ${acknowledged.length} acknowledged transactions are gone after the leader died: an acknowledgement must mean every in-sync replica has the message (acks: -1)`,
        ).toEqual([]);
      },
    },
    {
      name: 'with two of three brokers down, sendDurably() fails loudly instead of pretending',
      timeoutMs: 90_000,
      async run(lesson, ctx) {
        const { cluster, on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'two-down', 1);
        const producer = await connectedProducer(on);
        const [first, second] = generateTransactions(2, { seed: 9 });
        await lesson.sendDurably(producer, topic, first!);

        const admin = await on.admin();
        const [state] = await truth(admin, topic);
        const leader = state!.leader;
        const followers = state!.replicas.filter((id) => id !== leader);
        await killBrokers(cluster, on, followers);
        await truth(admin, topic, ([p]) => p?.isr.join() === String(leader), `the cluster to notice that brokers ${followers.join(' and ')} are dead`);

        const outcome = await within(
          lesson.sendDurably(producer, topic, second!).then(
            () => 'resolved' as const,
            (error: unknown) => asError(error),
          ),
          30_000,
          'sendDurably() neither succeeded nor failed within 30 s while two brokers were down: it should fail, and quickly',
        );
        expect(
          outcome,
          `sendDurably() reported success, but only broker ${leader} is alive to hold the transaction and the topic demands 2 in-sync copies. ` +
            'With acks: 1 the leader answers alone, and a caught error looks like success: use acks: -1 and let the error reach the caller',
        ).toBeInstanceOf(Error);
      },
    },
  ],
  wrongAnswers: [
    { fixture: 'one-replica', rejectedBy: 'replicatedTopic() keeps 3 copies and demands 2 in sync', teaches: /1 copy.*replicationFactor: 3/ },
    { fixture: 'no-min-in-sync', rejectedBy: 'replicatedTopic() keeps 3 copies and demands 2 in sync', teaches: /min\.insync\.replicas is 1.*value: '2'/ },
    {
      fixture: 'stale-report',
      rejectedBy: 'when the leader dies mid-stream, a new leader takes over, the report shows it, and no acknowledged transaction is lost',
      teaches: /still names broker \d as the leader.*never remember/,
    },
    { fixture: 'acks-one', rejectedBy: 'with two of three brokers down, sendDurably() fails loudly instead of pretending', teaches: /reported success.*acks: -1/ },
    { fixture: 'swallows-error', rejectedBy: 'with two of three brokers down, sendDurably() fails loudly instead of pretending', teaches: /reported success.*let the error reach the caller/ },
  ],
});

registerLesson(lesson08);
