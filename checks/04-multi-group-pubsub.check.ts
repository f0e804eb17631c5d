import type { KafkaConfig } from 'kafkajs';
import { expect } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction, TransactionType } from '../bank/transaction.ts';
import type * as Lesson from '../solutions/04-multi-group-pubsub/fraud.ts';
import {
  CONSUMER_WAIT_MS,
  ConsumerWatch,
  groupMembers,
  MOVE_ON_MS,
  SLOW_CONSUMER_TIMEOUT_MS,
} from './support/consumer-watch.ts';
import type { CheckContext } from './support/context.ts';
import { GroupReader } from './support/group-reader.ts';
import { heldAcks } from './support/held-acks.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { printable } from './support/printable.ts';
import { sendMessages, sendTransactions } from './support/produce.ts';
import { clientsMadeWith } from './support/tracked-kafkajs.ts';
import { becomesTrue } from './support/wait.ts';
import { wireTap } from './support/wire-tap.ts';

type Lesson04 = typeof Lesson;

const PARTITIONS = 3;
/** The groups of lesson 04 and lesson 03, written out again so the check does not trust the learner's constants. */
const FRAUD_GROUP = 'fraud-detector';
const MONITOR_GROUP = 'transaction-monitor';
/** The README's rule, written out again so the check does not trust the learner's version of it. */
const LIMIT = 750;
const flaggedByTheRule = (tx: Transaction) => tx.type === 'withdrawal' && tx.amount < -LIMIT;

/** A transaction made to measure, to probe the rule's edges. */
function probe(n: number, type: TransactionType, amount: number): Transaction {
  return {
    account: 1000 + n,
    amount,
    timestamp: `2024-01-0${1 + (n % 9)}T12:00:00.000Z`,
    transaction_id: `TXN-99900${n}`,
    type,
  };
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

/** An alert read back from the topic, or undefined when the value is not JSON. */
function parseAlert(value: Buffer | null): Lesson.FraudAlert | undefined {
  try {
    return (JSON.parse(value?.toString('utf8') ?? 'null') as Lesson.FraudAlert | null) ?? undefined;
  } catch {
    return undefined;
  }
}

const list = (ids: string[]) =>
  ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');

interface Detection {
  detector: Lesson.FraudDetector;
  seen: Transaction[];
  alerts: Lesson.FraudAlert[];
  watch: ConsumerWatch;
  /** Waits until the detector has inspected `count` transactions, failing early when it cannot get there. */
  until(count: number, what: string): Promise<void>;
}

/** Constructs the learner's detector first (so a stub fails at once), and always stops it. */
function detection(
  lesson: Lesson04,
  ctx: CheckContext,
  topic: string,
  options: { groupId: string; alertsTopic: string; fromBeginning: boolean },
  socketFactory?: KafkaConfig['socketFactory'],
): Detection {
  const seen: Transaction[] = [];
  const alerts: Lesson.FraudAlert[] = [];
  const detector = new lesson.FraudDetector({
    connection: { ...ctx.connection('fraud-detector'), ...(socketFactory ? { socketFactory } : {}) },
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
        likelyCause:
          'inspect() is not called for every transaction, or does not tell options.onTransaction: hand every transaction of the TransactionConsumer to this.inspect, and call options.onTransaction for each one',
        readsNothing: options.fromBeginning
          ? () =>
              `the fraud detector fetched ${watch.fetches} times and got none of the ${count} transactions ${what}. A new group starts at the end of the topic unless it subscribes from the beginning: pass options.fromBeginning on to the TransactionConsumer`
          : undefined,
      }),
  };
}

export const lesson04 = defineLesson<Lesson04>({
  id: 'lesson-04',
  checks: [
    {
      name: 'isSuspicious() flags withdrawals of more than $750, and nothing else',
      step: 1,
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
            expect(
              reason,
              `isSuspicious() flagged ${what}: only a withdrawal of more than $${LIMIT} is suspicious, and exactly $${LIMIT} is not more`,
            ).toBeUndefined();
          }
        }
      },
    },
    {
      name: 'without a group id, the fraud detector reads in a group of its own, FRAUD_GROUP_ID',
      step: 2,
      async run(lesson, ctx) {
        new lesson.FraudDetector({ connection: ctx.connection('fraud-detector'), topic: ctx.name('transactions') });
        const groups = clientsMadeWith(ctx.runId).flatMap((made) =>
          made.kind === 'consumer' ? [made.config.groupId] : [],
        );
        expect(
          groups,
          groups.includes(MONITOR_GROUP)
            ? `made without options.groupId, the fraud detector joined "${MONITOR_GROUP}", the monitors' group (lesson 03's default): it would split the partitions with every monitor, and each would see only part of the transactions. Give its TransactionConsumer options.groupId ?? FRAUD_GROUP_ID`
            : `made without options.groupId, the fraud detector's consumer is in group ${groups.map((g) => JSON.stringify(g)).join(', ') || '(none)'}: give its TransactionConsumer options.groupId ?? FRAUD_GROUP_ID ("${FRAUD_GROUP}")`,
        ).toEqual([FRAUD_GROUP]);
      },
    },
    {
      name: 'publishes an alert for each suspicious transaction, and only those, keyed by account',
      step: 4,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const alertsTopic = ctx.name('fraud-alerts');
        const tap = wireTap();
        const run = detection(
          lesson,
          ctx,
          topic,
          { groupId: ctx.name('fraud-detector'), alertsTopic, fromBeginning: true },
          tap.socketFactory,
        );
        await createTopics(ctx);
        const sent = stream(40, 402);
        await sendTransactions(ctx, topic, sent, PARTITIONS);
        await run.detector.start();
        await run.until(sent.length, 'on the topic');
        await run.detector.stop();

        const expected = sent.filter(flaggedByTheRule);
        const landed = await ctx.readAll(alertsTopic);
        const alerts = landed.map((m) => ({ key: m.key, value: m.value, alert: parseAlert(m.value) }));
        const notJson = alerts.find((a) => a.alert === undefined);
        expect(
          notJson,
          `the alerts topic holds ${printable(notJson?.value)}, which is not an alert as JSON: send JSON.stringify(toAlert(tx, reason)) as the value`,
        ).toBeUndefined();
        const ids = alerts.map((a) => a.alert!.transaction_id);
        const missing = expected.map((tx) => tx.transaction_id).filter((id) => !ids.includes(id));
        const extra = ids.filter((id) => !expected.some((tx) => tx.transaction_id === id));
        const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
        expect(
          missing,
          `the alerts topic has no alert for ${list(missing)}${landed.length === 0 ? ': nothing was published at all. Send the alert to this.alertsTopic and await the send' : ''}`,
        ).toEqual([]);
        expect(
          extra,
          `the alerts topic has alerts for transactions that are not suspicious: ${list(extra)}. Publish only when isSuspicious() gives a reason`,
        ).toEqual([]);
        expect(
          twice,
          `these transactions have more than one alert: ${list(twice)}. Send one alert per suspicious transaction`,
        ).toEqual([]);
        for (const { key, alert } of alerts) {
          const tx = expected.find((t) => t.transaction_id === alert!.transaction_id)!;
          expect(
            key,
            `the alert for ${tx.transaction_id} has ${key === null ? 'no key' : `the key ${printable(key)}`}: key alerts by account ("${tx.account}", keyFor) so one account's alerts stay in order in one partition`,
          ).toBe(String(tx.account));
          const { reason, ...rest } = alert!;
          const wrong = (Object.keys(tx) as Array<keyof Transaction>).filter(
            (field) => JSON.stringify(rest[field]) !== JSON.stringify(tx[field]),
          );
          expect(
            wrong,
            `the alert for ${tx.transaction_id} differs from the transaction in ${wrong.join(', ')}: send toAlert(tx, reason) as JSON`,
          ).toEqual([]);
          expect(
            typeof reason === 'string' && reason.length > 0,
            `the alert for ${tx.transaction_id} has no reason: pass the reason isSuspicious() gave to toAlert`,
          ).toBe(true);
        }
        const told = run.alerts.map((a) => a.transaction_id).sort();
        expect(
          told,
          `onAlert was called for ${told.length} alert(s), but ${expected.length} were published: tell options.onAlert once for each alert sent`,
        ).toEqual(expected.map((tx) => tx.transaction_id).sort());
        expect(
          run.detector.alertCount,
          `alertCount is ${run.detector.alertCount} after ${expected.length} alerts: add 1 for each alert sent`,
        ).toBe(expected.length);
        const acks = [...new Set(tap.produceRequests.map((request) => request.acks))];
        expect(
          acks.filter((value) => value !== -1),
          `the alerts were sent with acks ${acks.join(', ')}: an alert about fraud deserves what lesson 01 gave every transaction, all in-sync replicas (acks: -1, kafkajs's default)`,
        ).toEqual([]);
      },
    },
    {
      name: 'the monitor and the fraud detector, in two groups, both receive every transaction',
      step: 2,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const fraudGroup = ctx.name('fraud-detector');
        const run = detection(lesson, ctx, topic, {
          groupId: fraudGroup,
          alertsTopic: ctx.name('fraud-alerts'),
          fromBeginning: true,
        });
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
        const all = sent.map((tx) => tx.transaction_id);
        const inspected = run.seen.map((tx) => tx.transaction_id);
        const twice = inspected.filter((id, i) => inspected.indexOf(id) !== i);
        const missed = all.filter((id) => !inspected.includes(id));
        expect(
          missed,
          `the fraud detector never inspected ${list(missed)}, although its group is its own: call options.onTransaction for every transaction`,
        ).toEqual([]);
        expect(twice, `the fraud detector inspected these transactions twice: ${list(twice)}`).toEqual([]);
      },
    },
    {
      name: 'each group keeps its own committed offsets: one moving on does not move the other',
      step: 5,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const fraudGroup = ctx.name('fraud-detector');
        const run = detection(lesson, ctx, topic, {
          groupId: fraudGroup,
          alertsTopic: ctx.name('fraud-alerts'),
          fromBeginning: true,
        });
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
        const fraud = await ctx.committedOffsets(fraudGroup, topic);
        for (const partition of fraudEnds.keys()) {
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
      step: 2,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const alertsTopic = ctx.name('fraud-alerts');
        const run = detection(lesson, ctx, topic, {
          groupId: ctx.name('fraud-detector'),
          alertsTopic,
          fromBeginning: true,
        });
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
        const replayed = run.seen.map((tx) => tx.transaction_id);
        const twice = replayed.filter((id, i) => replayed.indexOf(id) !== i);
        expect(twice, `the late group inspected these transactions twice: ${list(twice)}`).toEqual([]);
        const flagged = history.filter(flaggedByTheRule).map((tx) => tx.transaction_id);
        const raised = run.alerts.map((a) => a.transaction_id);
        const unraised = flagged.filter((id) => !raised.includes(id));
        expect(
          unraised,
          `replaying the history raised no alert for ${list(unraised)}: the late group should see every transaction, suspicious ones included`,
        ).toEqual([]);
      },
    },
    {
      name: 'onAlert and onTransaction are optional: a detector made without them alerts and commits',
      step: 4,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const alertsTopic = ctx.name('fraud-alerts');
        // as the demo's caller that only wants the alerts on the topic: no callbacks at all
        const detector = new lesson.FraudDetector({
          connection: ctx.connection('fraud-detector'),
          topic,
          alertsTopic,
          groupId: ctx.name('fraud-detector'),
          fromBeginning: true,
        });
        ctx.onCleanup(() => detector.stop());
        const watch = new ConsumerWatch(detector.consumer, topic);
        await createTopics(ctx);
        const sent = stream(24, 408);
        await sendTransactions(ctx, topic, sent, PARTITIONS);
        const ends = await ctx.endOffsets(topic);
        const committedTo = (partition: number) =>
          Math.max(-1, ...watch.commits.filter((c) => c.partition === partition).map((c) => c.offset));
        await detector.start();
        await watch
          .until(() => [...ends].every(([partition, end]) => committedTo(partition) >= end), {
            timeoutMs: CONSUMER_WAIT_MS,
            expected: `the fraud detector, made without onAlert and onTransaction, to commit all ${sent.length} transactions`,
            lastSeen: () =>
              [...ends].map(([p, end]) => `partition ${p} committed ${committedTo(p)} of ${end}`).join(', '),
            likelyCause:
              'inspect() fails when a callback was not given: options.onAlert and options.onTransaction are optional, call them with ?.()',
          })
          .catch((error: Error) => {
            const missing = /options\.(on\w+) is not a function/.exec(error.message)?.[1];
            throw missing
              ? new Error(
                  `${error.message}: this detector was made without ${missing}. options.${missing} is optional, call it with ?.()`,
                )
              : error;
          });
        await detector.stop();
        const expected = sent.filter(flaggedByTheRule).length;
        expect(
          detector.alertCount,
          `alertCount is ${detector.alertCount} after ${expected} suspicious transactions, for a detector made without callbacks: add 1 for each alert sent, whether or not options.onAlert was given`,
        ).toBe(expected);
        const landed = await ctx.readAll(alertsTopic);
        expect(
          landed.length,
          `the alerts topic holds ${landed.length} alert(s) for ${expected} suspicious transactions: a detector made without callbacks still publishes every alert, once`,
        ).toBe(expected);
      },
    },
    {
      name: "a transaction's offset is committed only once its alert is stored",
      step: 4,
      timeoutMs: SLOW_CONSUMER_TIMEOUT_MS,
      async run(lesson, ctx) {
        const topic = ctx.name('transactions');
        const acks = heldAcks();
        const run = detection(
          lesson,
          ctx,
          topic,
          { groupId: ctx.name('fraud-detector'), alertsTopic: ctx.name('fraud-alerts'), fromBeginning: true },
          acks.socketFactory,
        );
        await createTopics(ctx);
        // partition 0: two ordinary transactions, a suspicious one at offset 2, and more behind it
        const ordinary = generateTransactions(40, { seed: 407 }).filter((tx) => !flaggedByTheRule(tx));
        const suspicious = EDGES[1]!;
        const queue = [...ordinary.slice(0, 2), suspicious, ...ordinary.slice(2, 8)];
        await sendMessages(
          ctx,
          topic,
          queue.map((tx) => ({ key: String(tx.account), value: JSON.stringify(tx), partition: 0 })),
        );
        // the broker's answers to the alert producer are held back until `released`: before then no alert is
        // stored as far as the detector can know, so no commit may pass the suspicious transaction
        let released = false;
        const tooEarly: string[] = [];
        run.watch.onCommit((commits) => {
          for (const { partition, offset } of commits)
            if (partition === 0 && offset > 2 && !released)
              tooEarly.push(
                `the detector committed offset ${offset} on partition 0, past ${suspicious.transaction_id} at offset 2, while its alert was still on its way to the broker`,
              );
        });
        acks.hold();
        await run.detector.start();
        await run.watch.until(() => acks.produceRequests() > 0, {
          timeoutMs: CONSUMER_WAIT_MS,
          expected: `the alert for ${suspicious.transaction_id} to be sent`,
          lastSeen: () => `onTransaction was called ${run.seen.length} times`,
          likelyCause: 'inspect() does not send an alert for a suspicious transaction: await this.producer.send(...)',
        });
        // a detector that does not wait for its send moves on and commits at once; one that waits stays
        // put. kafkajs goes from one message to the next without a round trip to the broker, so the
        // first kind has moved on before the next turn of the event loop (lesson 03 waits the same way)
        const movedOn = await becomesTrue(() => (run.watch.batchesEnded.get(0) ?? 0) > 0, MOVE_ON_MS);
        if (movedOn) await becomesTrue(() => tooEarly.length > 0, CONSUMER_WAIT_MS);
        released = true;
        acks.release();
        await run.until(queue.length, 'on the topic');
        await run.detector.stop();
        expect(
          tooEarly,
          `${tooEarly[0]}: a crash then loses the alert for good, because the group has moved on. Await the send in inspect(): kafkajs commits a transaction once inspect() (and the handler around it) has returned`,
        ).toEqual([]);
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'positive-withdrawals',
      rejectedBy: 'isSuspicious() flags withdrawals of more than $750, and nothing else',
      teaches: /Money going out is negative/,
    },
    {
      fixture: 'limit-inclusive',
      rejectedBy: 'isSuspicious() flags withdrawals of more than $750, and nothing else',
      teaches: /exactly \$750 is not more/,
    },
    {
      fixture: 'alerts-without-key',
      rejectedBy: 'publishes an alert for each suspicious transaction, and only those, keyed by account',
      teaches: /has no key: key alerts by account/,
    },
    {
      fixture: 'alerts-every-transaction',
      rejectedBy: 'publishes an alert for each suspicious transaction, and only those, keyed by account',
      teaches: /not suspicious.*Publish only when isSuspicious\(\) gives a reason/,
    },
    {
      fixture: 'no-fraud-group-fallback',
      rejectedBy: 'without a group id, the fraud detector reads in a group of its own, FRAUD_GROUP_ID',
      teaches: /joined "transaction-monitor", the monitors' group.*options\.groupId \?\? FRAUD_GROUP_ID/,
    },
    {
      fixture: 'calls-missing-on-alert',
      rejectedBy: 'onAlert and onTransaction are optional: a detector made without them alerts and commits',
      teaches:
        /(made without onAlert\. options\.onAlert is optional|options\.onAlert and options\.onTransaction are optional), call (it|them) with \?\.\(\)/,
    },
    {
      fixture: 'alert-not-awaited',
      rejectedBy: "a transaction's offset is committed only once its alert is stored",
      teaches:
        /committed offset \d+ on partition 0, past TXN-\d+ at offset 2, while its alert was still on its way.*Await the send in inspect\(\)/,
    },
    {
      fixture: 'forgets-alert-count',
      rejectedBy: 'publishes an alert for each suspicious transaction, and only those, keyed by account',
      teaches: /alertCount is 0 after \d+ alerts: add 1 for each alert sent/,
    },
    {
      fixture: 'alerts-acks-one',
      rejectedBy: 'publishes an alert for each suspicious transaction, and only those, keyed by account',
      teaches: /the alerts were sent with acks 1: .*acks: -1/,
    },
    {
      fixture: 'shares-monitor-group',
      rejectedBy: 'the monitor and the fraud detector, in two groups, both receive every transaction',
      teaches: /not a member of that group.*shares that group with the monitor/,
    },
    {
      fixture: 'stop-leaves-consumer-running',
      rejectedBy: 'each group keeps its own committed offsets: one moving on does not move the other',
      teaches: /kept consuming after stop\(\)/,
    },
    {
      fixture: 'forgets-from-beginning',
      rejectedBy: 'a group started later, from the beginning, replays the whole history',
      teaches:
        /got none of the \d+ transactions that were on the topic before it started.*pass options\.fromBeginning on/,
    },
  ],
  correctVariants: ['abs-and-headers', 'send-batch-alerts'],
});

registerLesson(lesson04);
