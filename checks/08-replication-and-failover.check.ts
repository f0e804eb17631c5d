import { ConfigResourceTypes, Kafka, type Admin, type ISocketFactory, type ITopicConfig, type Producer } from 'kafkajs';
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
import { stallMessage } from '../workshop/check/stall-report.ts';
import { asError, defineLesson, registerLesson } from './support/lesson-checks.ts';
import { waitFor, within } from './support/wait.ts';
import { wireTap } from './support/wire-tap.ts';

type Lesson08 = typeof Topics & typeof Reporting & typeof Producing;

// These checks kill brokers, so they run on a 3-node cluster of their own, never the run's broker.
stopClusterAfterAll();

/** Creates the learner's topic on the cluster and proves it is what step 1 asks for. */
async function createReplicatedTopic(
  spec: ITopicConfig,
  name: string,
  on: CheckContext,
  cluster: JvmCluster,
): Promise<string> {
  expect(spec?.topic, 'replicatedTopic() must return a config whose `topic` is the name it was given').toBe(name);
  on.ownTopic(name);
  const admin = await on.admin();
  // waitForTopic, not waitForLeaders: kafkajs gives up when it asks a broker that has not heard of the topic yet
  await admin.createTopics({ topics: [spec], waitForLeaders: false }).catch((error: unknown) => {
    throw new Error(creationRefused(spec, error));
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
    `the topic's min.insync.replicas is ${minInSync}: then acks: -1 is satisfied by the leader alone once the followers fall out of sync. Add configEntries: [{ name: 'min.insync.replicas', value: '2' }]`,
  ).toBe('2');
  return name;
}

const TOPIC = 'replicatedTopic() keeps 3 copies and demands 2 in sync';
const REPORT = "partitionReport() shows each partition's leader and in-sync replicas";
const FAILOVER =
  'when the leader dies mid-stream, a new leader takes over, the report shows it, and no acknowledged transaction is lost';
const DELIVERY =
  'sendDurably() sends the transaction as JSON, keyed by its account, with acks: -1, and returns where it landed';
const TWO_DOWN = 'with two of three brokers down, sendDurably() fails loudly instead of pretending';

/**
 * The first check to run starts the lesson's cluster, which a busy laptop may take a minute or
 * more to do: that time is not the learner's code's, so each check's bound leaves room for it.
 */
const CLUSTER_START_MS = 120_000;

/** A send to a healthy cluster takes milliseconds: one that has not settled in this time never will. */
const SEND_BOUND_MS = 20_000;

/** The setting step 1 asks for, and the only one the topic needs. */
const MIN_IN_SYNC = 'min.insync.replicas';

/** Why the topic from replicatedTopic() could not be created, in the lesson's words. */
function creationRefused(spec: ITopicConfig, thrown: unknown): string {
  const error = asError(thrown) as Error & { errors?: Array<{ type?: string; message: string }> };
  const types = (error.errors ?? []).map((e) => e.type ?? e.message);
  if (types.includes('INVALID_CONFIG')) {
    const unknown = (spec.configEntries ?? []).map((entry) => entry.name).filter((name) => name !== MIN_IN_SYNC);
    const value = spec.configEntries?.find((entry) => entry.name === MIN_IN_SYNC)?.value;
    return unknown.length > 0
      ? `the cluster refused to create the topic: ${unknown.map((name) => `"${name}"`).join(', ')} is not a topic setting it knows (INVALID_CONFIG). The setting is spelled ${MIN_IN_SYNC}: configEntries: [{ name: '${MIN_IN_SYNC}', value: '2' }]`
      : `the cluster refused to create the topic: ${MIN_IN_SYNC} = ${JSON.stringify(value)} is not a valid value (INVALID_CONFIG). It is a whole number, as a string: '2'`;
  }
  if (types.includes('INVALID_REPLICATION_FACTOR')) {
    return `the cluster refused to create the topic: replicationFactor ${String(spec.replicationFactor)} is not possible on a cluster of 3 brokers (INVALID_REPLICATION_FACTOR). Use replicationFactor: 3, a copy on every broker`;
  }
  if (error.name === 'KafkaJSNonRetriableError') {
    return `kafkajs refused the topic config from replicatedTopic() before asking the cluster: ${error.message}. A setting is { name: '${MIN_IN_SYNC}', value: '2' }, its value a string`;
  }
  const details = (error.errors ?? []).map((e) => `${e.type ?? 'error'}: ${e.message}`).join('; ');
  return `the cluster refused to create the topic from replicatedTopic(): ${error.message}${details ? ` (${details})` : ''}`;
}

/** "leader 2, in sync 1,3 of 1,2,3" */
function stateText(p: PartitionState | undefined): string {
  return p ? `leader ${p.leader}, in sync ${p.isr.join(',')} of ${p.replicas.join(',')}` : 'nothing';
}

/**
 * What is wrong with the learner's report of one partition, field by field, with the likely
 * cause. `before` is the learner's own earlier answer; `firstReplica` the first broker of the
 * replica list as the cluster gives it (the preferred leader).
 */
function reportMistake(
  got: PartitionState | undefined,
  want: PartitionState,
  context: { before?: PartitionState; firstReplica?: number; afterDeath?: number } = {},
): string | undefined {
  const where = `partition ${want.partition}: the cluster says ${stateText(want)}; your report says ${stateText(got)}`;
  if (!got) return `${where}. Report every partition of the topic`;
  const same = (a: number[], b: number[]) => a.join() === b.join();
  const { before, firstReplica, afterDeath } = context;
  const cached =
    before !== undefined &&
    got.leader === before.leader &&
    same(got.isr, before.isr) &&
    same(got.replicas, before.replicas) &&
    (want.leader !== before.leader || !same(want.isr, before.isr));
  if (cached) {
    return `${where}, the very answer it gave before broker ${afterDeath} died. Ask the cluster on every call (admin.fetchTopicMetadata), never remember an earlier answer`;
  }
  if (got.leader !== want.leader) {
    if (got.leader === firstReplica) {
      return `${where}. Broker ${got.leader} is the first of the replicas: the preferred leader, chosen when the topic was created, which is the leader only until a failover. Take the partition's leader field`;
    }
    return `${where}. The leader is the partition's leader field in the metadata`;
  }
  if (!same(got.isr, want.isr)) {
    if (same(got.isr, want.replicas)) {
      return `${where}. Your in-sync replicas are all the replicas${afterDeath === undefined ? '' : `, dead broker ${afterDeath} included`}: the replicas are every broker that holds a copy, in sync or not. Take the partition's isr field`;
    }
    return `${where}. The in-sync replicas are the partition's isr field in the metadata`;
  }
  if (!same(got.replicas, want.replicas)) {
    return `${where}. The replicas are the partition's replicas field in the metadata: every broker with a copy`;
  }
  return undefined;
}

/** Fails with the first partition whose report differs from the cluster's answer, naming what and why. */
function expectReport(
  got: PartitionState[],
  want: PartitionState[],
  context: Parameters<typeof reportMistake>[2] = {},
) {
  for (const expected of want) {
    const mistake = reportMistake(
      got.find((p) => p.partition === expected.partition),
      expected,
      context,
    );
    if (mistake) expect.fail(mistake);
  }
  const extra = got.filter((p) => !want.some((w) => w.partition === p.partition));
  if (extra.length > 0)
    expect.fail(`your report has partitions the topic does not have: ${extra.map((p) => p.partition).join(', ')}`);
}

/** The first broker of each partition's replica list, in the cluster's own order: its preferred leader. */
async function preferredLeaders(admin: Admin, topic: string): Promise<Map<number, number>> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return new Map((topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.replicas[0]!]));
}

/** Every check starts the same way: your step 1 first (an unfinished lesson stops here), then a topic made from it on the whole cluster. */
async function replicatedTopicOnCluster(lesson: Lesson08, ctx: CheckContext, label: string, numPartitions: number) {
  const spec = lesson.replicatedTopic(ctx.name(label), numPartitions);
  const { cluster, on } = await clusterContext(ctx);
  const topic = await createReplicatedTopic(spec, ctx.name(label), on, cluster);
  return { cluster, on, topic };
}

async function topicSetting(admin: Admin, topic: string, name: string): Promise<string | undefined> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
    includeSynonyms: false,
  });
  return resources[0]?.configEntries.find((entry) => entry.configName === name)?.configValue;
}

/**
 * The check's own, fresh answer: who leads each partition and who is in sync. Right after a
 * kill, kafkajs may first try the dead broker; the question is asked again until a live one answers.
 */
async function truth(
  admin: Admin,
  topic: string,
  accept: (view: PartitionState[]) => boolean = () => true,
  expected = `the cluster's view of ${topic}`,
): Promise<PartitionState[]> {
  let last = 'no answer yet';
  return waitFor(
    async () => {
      const view = await clusterView(admin, topic).catch((error: unknown) => void (last = asError(error).message));
      if (view)
        last = view.map((p) => `partition ${p.partition}: leader ${p.leader}, isr ${p.isr.join(',')}`).join('; ');
      return view && accept(view) ? view : undefined;
    },
    {
      timeoutMs: 20_000,
      intervalMs: 100,
      expected,
      lastSeen: () => last,
      likelyCause: 'the cluster is still electing leaders, or is overloaded; run the check again',
    },
  );
}

async function clusterView(admin: Admin, topic: string): Promise<PartitionState[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const ascending = (a: number, b: number) => a - b;
  return (topics[0]?.partitions ?? [])
    .map((p) => ({
      partition: p.partitionId,
      leader: p.leader,
      replicas: [...p.replicas].sort(ascending),
      isr: [...p.isr].sort(ascending),
    }))
    .sort((a, b) => a.partition - b.partition);
}

/** The learner's report, in the order it came, each replica list sorted: a report may list replicas in any order. */
async function learnerReport(lesson: Lesson08, admin: Admin, topic: string): Promise<PartitionState[]> {
  const report = await lesson.partitionReport(admin, topic);
  expect(Array.isArray(report), 'partitionReport() should return an array with one entry per partition').toBe(true);
  const ascending = (a: number, b: number) => a - b;
  return report.map((p) => ({
    partition: p.partition,
    leader: p.leader,
    replicas: [...(p.replicas ?? [])].sort(ascending),
    isr: [...(p.isr ?? [])].sort(ascending),
  }));
}

/** A kafkajs client for the learner's code, connected to the cluster and always closed after the check. */
async function learnerAdmin(on: CheckContext): Promise<Admin> {
  const admin = on.kafka('learner-admin').admin();
  on.onCleanup(() => admin.disconnect());
  await admin.connect();
  return admin;
}

async function connectedProducer(on: CheckContext, socketFactory?: ISocketFactory): Promise<Producer> {
  const producer = new Kafka({
    ...on.connection('learner-producer'),
    ...(socketFactory && { socketFactory }),
  }).producer();
  on.onCleanup(() => producer.disconnect());
  await producer.connect();
  return producer;
}

async function killBrokers(cluster: JvmCluster, on: CheckContext, ids: number[]): Promise<void> {
  on.onCleanup(() => cluster.restart(ids));
  await Promise.all(ids.map((id) => cluster.kill(id)));
}

/**
 * One call of sendDurably() with a bound of its own. A check's bound leaves room for the cluster to
 * start and for failovers; a send that never settles should not make the learner wait for all of it.
 */
function sendDurablyWithin(
  boundMs: number,
  ...[lesson, ...args]: [Lesson08, ...Parameters<Lesson08['sendDurably']>]
): ReturnType<Lesson08['sendDurably']> {
  return within(lesson.sendDurably(...args), boundMs, () =>
    stallMessage({
      kind: 'timeout',
      lessonId: 'lesson-08',
      boundMs,
      calls: [{ label: 'sendDurably()', calls: 1, pending: 1 }],
    }),
  );
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
  // the checks kill brokers of the one cluster they share, so they take turns
  sequential: true,
  checks: [
    {
      name: TOPIC,
      step: 1,
      timeoutMs: CLUSTER_START_MS + 60_000,
      async run(lesson, ctx) {
        const { on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'replicated', 3);
        expect(
          (await clusterView(await on.admin(), topic)).length,
          'replicatedTopic() should create `numPartitions` partitions',
        ).toBe(3);
      },
    },
    {
      name: REPORT,
      step: 2,
      timeoutMs: CLUSTER_START_MS + 60_000,
      async run(lesson, ctx) {
        const { on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'report', 3);
        const report = await learnerReport(lesson, await learnerAdmin(on), topic);
        const view = await clusterView(await on.admin(), topic);
        expectReport(report, view, { firstReplica: undefined });
        const order = report.map((p) => p.partition);
        if (order.join() !== '0,1,2') {
          expect.fail(
            `the report lists the partitions in the order ${order.join(', ')}: list them in partition order, 0, 1, 2 (sort by partition, ascending), as a dashboard reads them`,
          );
        }
        // the line npm run failover prints for each partition, from the given formatPartitionState()
        const state = view[0]!;
        const line = `partition ${state.partition}: ${stateText(state)}`;
        expect(
          lesson.formatPartitionState(state),
          `formatPartitionState() is what npm run failover prints for each partition, and it should print "${line}". It is given code: put it back as the stub had it (npm run reset lesson-08 restores the lesson's files, after a backup of yours)`,
        ).toBe(line);
      },
    },
    {
      name: FAILOVER,
      step: 2,
      timeoutMs: CLUSTER_START_MS + 90_000,
      async run(lesson, ctx) {
        const { cluster, on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'failover', 1);
        const admin = await learnerAdmin(on);
        const [before] = await learnerReport(lesson, admin, topic);
        const [truthBefore] = await clusterView(await on.admin(), topic);
        const preferred = await preferredLeaders(await on.admin(), topic);
        const mistakeBefore = reportMistake(before, truthBefore!);
        if (mistakeBefore) expect.fail(`before any broker dies: ${mistakeBefore}`);
        const oldLeader = truthBefore!.leader;

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
              // a send may wait out a leader election (kafkajs retries it): far less than this
              await sendDurablyWithin(SEND_BOUND_MS * 2, lesson, producer, topic, tx);
              acknowledged.push(tx);
              if (killed) acknowledgedAfterKill += 1;
            } catch (error) {
              // a send may fail while a new leader is elected: then it was not acknowledged
              failures.push(asError(error));
            }
          }
        })();
        try {
          await waitFor(() => (acknowledged.length >= 20 ? true : undefined), {
            timeoutMs: 10_000,
            expected: '20 transactions acknowledged before the kill',
            lastSeen: () => `${acknowledged.length}; last error: ${failures.at(-1)?.message ?? 'none'}`,
            likelyCause: () =>
              failures.length > 0
                ? 'sendDurably() rejects: read the last error above'
                : 'sendDurably() never resolves: await producer.send and return its result',
          });
          await killBrokers(cluster, on, [oldLeader]);
          killed = true;
          await waitFor(() => (acknowledgedAfterKill >= 20 ? true : undefined), {
            timeoutMs: 40_000,
            expected: `sends to succeed again after leader ${oldLeader} died`,
            lastSeen: () =>
              `${acknowledgedAfterKill} acknowledged since; last error: ${failures.at(-1)?.message ?? 'none'}`,
            likelyCause:
              'the producer keeps asking the dead leader: let kafkajs retry (no try/catch that gives up) so it refreshes its metadata',
          });
        } finally {
          streaming = false;
          await stream;
        }

        const [truthAfter] = await truth(
          await on.admin(),
          topic,
          ([p]) => p !== undefined && p.leader !== oldLeader && p.leader >= 0,
          `a new leader instead of broker ${oldLeader}`,
        );
        // a fresh client, as a monitoring tool would open: one connected before the kill may first try the dead broker
        const [after] = await learnerReport(lesson, await learnerAdmin(on), topic);
        const mistakeAfter = reportMistake(after, truthAfter!, {
          before,
          firstReplica: preferred.get(0),
          afterDeath: oldLeader,
        });
        if (mistakeAfter) expect.fail(`after leader ${oldLeader} died: ${mistakeAfter}`);

        const stored = transactionIds((await on.readAll(topic, 15_000)).map((m) => m.value));
        const lost = acknowledged.filter((tx) => !stored.has(tx.transaction_id));
        expect(
          lost.map((tx) => tx.transaction_id),
          `${lost.length} of ${acknowledged.length} acknowledged transactions are gone after the leader died: an acknowledgement must mean every in-sync replica has the message (acks: -1)`,
        ).toEqual([]);
      },
    },
    {
      name: DELIVERY,
      step: 3,
      timeoutMs: CLUSTER_START_MS + 60_000,
      async run(lesson, ctx) {
        const { on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'deliveries', 3);
        // the producer writes through a tap, so that the acks it is asked for can be seen on the wire
        const tap = wireTap();
        const producer = await connectedProducer(on, tap.socketFactory);
        const txs = generateTransactions(6, { seed: 10, accounts: 6 });
        const deliveries: Array<Awaited<ReturnType<Lesson08['sendDurably']>>> = [];
        for (const tx of txs) deliveries.push(await sendDurablyWithin(SEND_BOUND_MS, lesson, producer, topic, tx));

        const acks = [...new Set(tap.produceRequests.map((r) => r.acks))];
        if (acks.join() !== '-1') {
          expect.fail(
            `sendDurably() asked the broker for acks ${acks.join(', ') || '(nothing was sent)'}: a transaction is only safe once every in-sync replica has it. Send with acks: -1`,
          );
        }
        const landed = await on.readAll(topic, 15_000);
        txs.forEach((tx, i) => {
          const message = landed.find((m) => transactionIds([m.value]).has(tx.transaction_id));
          if (!message)
            expect.fail(`${tx.transaction_id} is not on the topic as JSON: send JSON.stringify(tx) as the value`);
          const key = message.key === null ? 'no key' : `the key "${message.key}"`;
          if (message.key !== String(tx.account)) {
            expect.fail(
              `${tx.transaction_id} of account ${tx.account} landed with ${key}. Key each transaction by String(tx.account): the partitioner then keeps an account's transactions on one partition, in order`,
            );
          }
          const delivery = deliveries[i];
          const told = `sendDurably() returned ${JSON.stringify(delivery)}, but ${tx.transaction_id} landed on ${topic}, partition ${message.partition}, offset ${message.offset}`;
          if (delivery?.offset === undefined) {
            expect.fail(
              `${told}. kafkajs's send() resolves to [{ topicName, partition, baseOffset, … }]: the offset of a send is its baseOffset (there is no offset field). Return { topic: result.topicName, partition: result.partition, offset: result.baseOffset }`,
            );
          }
          expect(
            { topic: delivery.topic, partition: delivery.partition, offset: String(delivery.offset) },
            `${told}: return the topicName, partition and baseOffset of the result`,
          ).toEqual({ topic, partition: message.partition, offset: message.offset });
        });
      },
    },
    {
      name: TWO_DOWN,
      step: 3,
      timeoutMs: CLUSTER_START_MS + 90_000,
      async run(lesson, ctx) {
        const { cluster, on, topic } = await replicatedTopicOnCluster(lesson, ctx, 'two-down', 1);
        const producer = await connectedProducer(on);
        const [first, second] = generateTransactions(2, { seed: 9 });
        await sendDurablyWithin(SEND_BOUND_MS, lesson, producer, topic, first!);

        const admin = await on.admin();
        const [state] = await truth(admin, topic);
        const leader = state!.leader;
        const followers = state!.replicas.filter((id) => id !== leader);
        await killBrokers(cluster, on, followers);
        await truth(
          admin,
          topic,
          ([p]) => p?.isr.join() === String(leader),
          `the cluster to notice that brokers ${followers.join(' and ')} are dead`,
        );

        const outcome = await within(
          lesson.sendDurably(producer, topic, second!).then(
            () => 'resolved' as const,
            (error: unknown) => asError(error),
          ),
          // kafkajs's default retries refresh metadata from brokers that may be the dead ones: a correct
          // answer with default timings (checks/variants/…/defaults-and-send-batch) took 9 s and over 30 s here
          60_000,
          'sendDurably() neither succeeded nor failed within 60 s while two brokers were down: it should fail, not wait for ever',
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
    {
      fixture: 'one-replica',
      rejectedBy: TOPIC,
      teaches: /1 copy.*replicationFactor: 3/,
    },
    {
      fixture: 'no-min-in-sync',
      rejectedBy: TOPIC,
      teaches: /min\.insync\.replicas is 1.*value: '2'/,
    },
    {
      fixture: 'stale-report',
      rejectedBy: FAILOVER,
      teaches: /the very answer it gave before broker \d died.*never remember/,
    },
    {
      fixture: 'acks-one',
      rejectedBy: TWO_DOWN,
      teaches: /reported success.*acks: -1/,
    },
    {
      fixture: 'swallows-error',
      rejectedBy: TWO_DOWN,
      teaches: /reported success.*let the error reach the caller/,
    },
    {
      fixture: 'config-typo',
      rejectedBy: TOPIC,
      teaches: /"min\.insync\.replica" is not a topic setting.*spelled min\.insync\.replicas/,
    },
    {
      fixture: 'report-reverse',
      rejectedBy: REPORT,
      teaches: /in the order 2, 1, 0: list them in partition order/,
    },
    {
      fixture: 'replicas-as-isr',
      rejectedBy: FAILOVER,
      teaches: /in-sync replicas are all the replicas, dead broker \d included.*isr field/,
    },
    {
      fixture: 'first-replica-as-leader',
      rejectedBy: FAILOVER,
      teaches: /first of the replicas: the preferred leader.*leader field/,
    },
    {
      fixture: 'no-key',
      rejectedBy: DELIVERY,
      teaches: /landed with no key\. Key each transaction by String\(tx\.account\)/,
    },
    {
      fixture: 'returns-offset',
      rejectedBy: DELIVERY,
      teaches: /there is no offset field.*baseOffset/,
    },
  ],
  correctVariants: ['defaults-and-send-batch', 'then-chains'],
});

registerLesson(lesson08);
