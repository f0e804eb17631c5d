import { expect } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction, TransactionType } from '../bank/transaction.ts';
import type * as Lesson from '../solutions/04-multi-group-pubsub/fraud.ts';
import { CONSUMER_WAIT_MS, ConsumerWatch, groupMembers, SLOW_CONSUMER_TIMEOUT_MS } from './support/consumer-watch.ts';
import type { CheckContext } from './support/context.ts';
import { GroupReader } from './support/group-reader.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { sendTransactions } from './support/produce.ts';

type Lesson04 = typeof Lesson;

const PARTITIONS = 3;
/** The README's rule, written out again so the check does not trust the learner's version of it. */
const LIMIT = 750;
const flaggedByTheRule = (tx: Transaction) => tx.type === 'withdrawal' && tx.amount < -LIMIT;

/** A transaction made to measure, to probe the rule's edges. */
function probe(n: number, type: TransactionType, amount: number): Transaction {
  return { account: 1000 + n, amount, timestamp: `2024-01-0${1 + (n % 9)}T12:00:00.000Z`, transaction_id: `TXN-99900${n}`, type };
}

/** Both sides of the limit, every type, both signs: where a rule typically goes wrong. */
const EDGES = [
  probe(1, 'withdrawal', -750.01),
  probe(2, 'withdrawal', -999.99),
  probe(3, 'withdrawal', -750),
  probe(4, 'withdrawal', -12.5),
  probe(5, 'deposit', 999.99),
  probe(6, 'payment', -900),
  probe(7, 'transfer', -900),
  probe(8, 'transfer', 900),
];

/** Generated traffic with the edges mixed in: plenty of ordinary transactions and a few suspicious ones. */
function stream(count: number, seed: number): Transaction[] {
  const generated = generateTransactions(count, { seed, accounts: 12 });
  return [...generated.slice(0, count / 2), ...EDGES, ...generated.slice(count / 2)];
}

/** The transactions topic and the alerts topic the detector writes to (the demo creates both, too). */
async function createTopics(ctx: CheckContext): Promise<void> {
  await Promise.all([ctx.createTopic('transactions', PARTITIONS), ctx.createTopic('fraud-alerts', PARTITIONS)]);
}

const list = (ids: string[]) => (ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', '));

interface Detection {
  detector: Lesson.FraudDetector;
  seen: Transaction[];
  alerts: Lesson.FraudAlert[];
  watch: ConsumerWatch;
  /** Waits until the detector has inspected `count` transactions, failing early when it cannot get there. */
  until(count: number, what: string): Promise<void>;
}

/** Constructs the learner's detector first (so a stub fails at once), and always stops it. */
function detection(lesson: Lesson04, ctx: CheckContext, topic: string, options: { groupId: string; alertsTopic: string; fromBeginning: boolean }): Detection {
  const seen: Transaction[] = [];
  const alerts: Lesson.FraudAlert[] = [];
  const detector = new lesson.FraudDetector({
    connection: ctx.connection('fraud-detector'),
    topic,
    ...options,
    onTransaction: (tx) => seen.push(tx),
    onAlert: (alert) => alerts.push(alert),
  });
  ctx.onCleanup(() => detector.stop());
  const watch = new ConsumerWatch(detector.consumer, topic);
  return {
    detector,
    seen,
    alerts,
    watch,
    until: (count, what) =>
      watch.until(() => seen.length >= count, {
        timeoutMs: CONSUMER_WAIT_MS,
        expected: `the fraud detector to inspect the ${count} transactions ${what}`,
        lastSeen: () => `onTransaction was called ${seen.length} times`,
        readsNothing: options.fromBeginning
          ? () =>
              `the fraud detector fetched ${watch.fetches} times and got none of the ${count} transactions ${what}. A new group starts at the end of the topic unless it subscribes from the beginning: pass options.fromBeginning on to the TransactionConsumer`
          : undefined,
      }),
  };
}

export const lesson04 = defineLesson<Lesson04>({
  id: 'lesson-04',
  slug: '04-multi-group-pubsub',
  files: ['fraud.ts'],
  checks: [
    {
      name: 'isSuspicious() flags withdrawals of more than $750, and nothing else',
      async run(lesson) {
        for (const tx of [...EDGES, ...generateTransactions(200, { seed: 401 })]) {
          const reason = lesson.isSuspicious(tx);
          const what = `a ${tx.type} of amount ${tx.amount.toFixed(2)}`;
          if (flaggedByTheRule(tx)) {
            expect(
              typeof reason === 'string' && reason.length > 0,
              `isSuspicious() let ${what} pass: a withdrawal of $${(-tx.amount).toFixed(2)} is over the limit. Money going out is negative in this stream, so compare -tx.amount (or Math.abs) with LARGE_WITHDRAWAL_LIMIT`,
            ).toBe(true);
          } else {
            expect(reason, `isSuspicious() flagged ${what}: only a withdrawal of more than $${LIMIT} is suspicious, and exactly $${LIMIT} is not more`).toBeUndefined();
          }
        }
      },
    },
    {
      name: 'publishes an alert for each suspicious transaction, and only those, keyed by account',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const alertsTopic = ctx.name('fraud-alerts');
        const run = detection(lesson, ctx, topic, { groupId: ctx.name('fraud-detector'), alertsTopic, fromBeginning: true });
        await createTopics(ctx);
        const sent = stream(40, 402);
        await sendTransactions(ctx, topic, sent, PARTITIONS);
        await run.detector.start();
        await run.until(sent.length, 'on the topic');
        await run.detector.stop();

        const expected = sent.filter(flaggedByTheRule);
        const landed = await ctx.readAll(alertsTopic);
        const alerts = landed.map((m) => ({ key: m.key, alert: JSON.parse(m.value?.toString('utf8') ?? 'null') as Lesson.FraudAlert }));
        const ids = alerts.map((a) => a.alert?.transaction_id);
        const missing = expected.map((tx) => tx.transaction_id).filter((id) => !ids.includes(id));
        const extra = ids.filter((id) => !expected.some((tx) => tx.transaction_id === id));
        expect(missing, `the alerts topic has no alert for ${list(missing)}${landed.length === 0 ? ': nothing was published at all. Send the alert to this.alertsTopic and await the send' : ''}`).toEqual([]);
        expect(extra, `the alerts topic has alerts for transactions that are not suspicious: ${list(extra)}. Publish only when isSuspicious() gives a reason`).toEqual([]);
        expect(ids.length, 'each suspicious transaction should have exactly one alert').toBe(expected.length);
        for (const { key, alert } of alerts) {
          const tx = expected.find((t) => t.transaction_id === alert.transaction_id)!;
          expect(key, `the alert for ${tx.transaction_id} has ${key === null ? 'no key' : `the key "${key}"`}: key alerts by account ("${tx.account}", keyFor) so one account's alerts stay in order in one partition`).toBe(String(tx.account));
          expect(alert, `the alert for ${tx.transaction_id} should be toAlert(tx, reason) as JSON`).toEqual({ ...tx, reason: expect.any(String) });
        }
        expect(run.alerts.map((a) => a.transaction_id).sort(), 'onAlert should be called once for each alert published').toEqual(expected.map((tx) => tx.transaction_id).sort());
      },
    },
    {
      name: 'the monitor and the fraud detector, in two groups, both receive every transaction',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const fraudGroup = ctx.name('fraud-detector');
        const run = detection(lesson, ctx, topic, { groupId: fraudGroup, alertsTopic: ctx.name('fraud-alerts'), fromBeginning: true });
        const monitor = new GroupReader(ctx, topic, ctx.name('transaction-monitor'));
        await createTopics(ctx);
        await Promise.all([monitor.start(), run.detector.start()]);
        const members = await groupMembers(ctx, fraudGroup);
        expect(
          members,
          `the fraud detector was given groupId ${fraudGroup} but is not a member of that group (its members: [${members.join(', ')}]). Without its own group id it falls back to lesson 03's "transaction-monitor", shares that group with the monitor, and each gets only part of the partitions: pass options.groupId ?? FRAUD_GROUP_ID`,
        ).toEqual([ctx.name('fraud-detector')]);

        const sent = stream(30, 403);
        await sendTransactions(ctx, topic, sent, PARTITIONS);
        await Promise.all([monitor.until(sent.length), run.until(sent.length, 'sent while it was running')]);
        await Promise.all([monitor.stop(), run.detector.stop()]);
        const all = sent.map((tx) => tx.transaction_id).sort();
        expect(monitor.transactions.map((tx) => tx.transaction_id).sort(), 'the monitor group should receive every transaction').toEqual(all);
        expect(run.seen.map((tx) => tx.transaction_id).sort(), 'the fraud detector should receive every transaction, once').toEqual(all);
      },
    },
    {
      name: "each group keeps its own committed offsets: one moving on does not move the other",
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const fraudGroup = ctx.name('fraud-detector');
        const run = detection(lesson, ctx, topic, { groupId: fraudGroup, alertsTopic: ctx.name('fraud-alerts'), fromBeginning: true });
        const monitor = new GroupReader(ctx, topic, ctx.name('transaction-monitor'));
        await createTopics(ctx);
        const [early, late] = [stream(20, 404), generateTransactions(9, { seed: 405 })];
        await sendTransactions(ctx, topic, early, PARTITIONS);
        await Promise.all([monitor.start(), run.detector.start()]);
        await Promise.all([monitor.until(early.length), run.until(early.length, 'on the topic')]);
        await run.detector.stop();
        const fraudEnds = await ctx.endOffsets(topic);

        // the monitor carries on alone
        await sendTransactions(ctx, topic, late, PARTITIONS);
        await monitor.until(early.length + late.length);
        await monitor.stop();
        const [ends, fraud, monitored] = [await ctx.endOffsets(topic), await ctx.committedOffsets(fraudGroup, topic), await ctx.committedOffsets(monitor.groupId, topic)];
        for (const [partition, end] of ends) {
          expect(monitored.get(partition), `the monitor's group should have committed partition ${partition} up to its end`).toBe(end);
          const committed = fraud.get(partition) ?? -1;
          const stoppedAt = fraudEnds.get(partition)!;
          expect(
            committed,
            committed < 0
              ? `group ${fraudGroup} has no committed offset on partition ${partition}: the fraud detector did not commit in its own group. Is its TransactionConsumer in options.groupId, and does stop() stop it?`
              : committed > stoppedAt
                ? `group ${fraudGroup} committed offset ${committed} on partition ${partition}, past the ${stoppedAt} messages there when the detector stopped: it kept consuming after stop(). Stop this.transactions in stop()`
                : `group ${fraudGroup} committed offset ${committed} on partition ${partition}, but the detector had inspected everything up to ${stoppedAt} before stop()`,
          ).toBe(stoppedAt);
        }
      },
    },
    {
      name: 'a group started later, from the beginning, replays the whole history',
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const alertsTopic = ctx.name('fraud-alerts');
        const run = detection(lesson, ctx, topic, { groupId: ctx.name('fraud-detector'), alertsTopic, fromBeginning: true });
        const monitor = new GroupReader(ctx, topic, ctx.name('transaction-monitor'));
        await createTopics(ctx);
        const history = stream(30, 406);
        await sendTransactions(ctx, topic, history, PARTITIONS);
        // the monitor has read and committed everything before the detector even exists on the broker
        await monitor.start();
        await monitor.until(history.length);
        await monitor.stop();

        await run.detector.start();
        await run.until(history.length, 'that were on the topic before it started');
        await run.detector.stop();
        expect(run.seen.map((tx) => tx.transaction_id).sort(), 'the late group should replay every transaction of the history, once').toEqual(history.map((tx) => tx.transaction_id).sort());
        const flagged = history.filter(flaggedByTheRule).map((tx) => tx.transaction_id).sort();
        expect(run.alerts.map((a) => a.transaction_id).sort(), 'replaying the history should raise the alerts the history deserves').toEqual(flagged);
      },
    },
  ],
  wrongAnswers: [
    { fixture: 'positive-withdrawals', rejectedBy: 'isSuspicious() flags withdrawals of more than $750, and nothing else', teaches: /Money going out is negative/ },
    { fixture: 'limit-inclusive', rejectedBy: 'isSuspicious() flags withdrawals of more than $750, and nothing else', teaches: /exactly \$750 is not more/ },
    { fixture: 'alerts-without-key', rejectedBy: 'publishes an alert for each suspicious transaction, and only those, keyed by account', teaches: /has no key: key alerts by account/ },
    { fixture: 'alerts-every-transaction', rejectedBy: 'publishes an alert for each suspicious transaction, and only those, keyed by account', teaches: /not suspicious.*Publish only when isSuspicious\(\) gives a reason/ },
    { fixture: 'shares-monitor-group', rejectedBy: 'the monitor and the fraud detector, in two groups, both receive every transaction', teaches: /not a member of that group.*shares that group with the monitor/ },
    { fixture: 'stop-leaves-consumer-running', rejectedBy: 'each group keeps its own committed offsets: one moving on does not move the other', teaches: /kept consuming after stop\(\)/ },
    { fixture: 'forgets-from-beginning', rejectedBy: 'a group started later, from the beginning, replays the whole history', teaches: /got none of the \d+ transactions that were on the topic before it started.*pass options\.fromBeginning on/ },
  ],
});

registerLesson(lesson04);
