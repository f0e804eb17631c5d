import type { Message } from 'kafkajs';
import { expect } from 'vitest';
import { decodeBalanceUpdate, toCents, type BalanceUpdate } from '../bank/balance.ts';
import { encodeTransaction } from '../bank/codec.ts';
import { formatMoney } from '../bank/format.ts';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Balances from '../solutions/10-exactly-once/balances.ts';
import type * as Producer from '../solutions/10-exactly-once/producer.ts';
import type * as Reader from '../solutions/10-exactly-once/reader.ts';
import { ConsumerWatch, groupMembers, todoWithin } from './support/consumer-watch.ts';
import type { CheckContext, ReadMessage } from './support/context.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { sendMessages } from './support/produce.ts';
import { API, transactionWire, type TransactionWire } from './support/transaction-wire.ts';
import { becomesTrue, waitFor, within } from './support/wait.ts';
import { wireTap } from './support/wire-tap.ts';

type Lesson10 = typeof Producer & typeof Reader & typeof Balances;
type Service = Balances.BalanceService;

const PARTITIONS = 2;

/**
 * Retries that come quickly: a transaction right after another may be told to wait
 * (CONCURRENT_TRANSACTIONS) while the broker finishes the previous one, and a killed service's
 * requests fail at once. The learner's own retry settings, if any, still win.
 */
const QUICK_RETRIES = { retries: 5, initialRetryTime: 20, maxRetryTime: 250 };

/**
 * How long a restarted service may commit nothing before a check calls it stuck: it joins the
 * group, claims the transactionalId and reads the balances first, which on a loaded machine
 * took more than 10 s once in five runs.
 */
const RESTART_STALL_MS = 15_000;

/** How long a running service may commit nothing before a check calls it stuck. */
const STALL_MS = 8000;

/**
 * A check's bound covers its own waits, each of which gives up after a stall with a message that
 * says what is missing; the bound only ends a run that keeps moving, too slowly. Within the
 * default 10 s, a service that took seconds to start on a loaded machine (joining the group,
 * claiming the transactionalId, reading the balances) was cut off by the bound, before the
 * check's own waits could tell a slow service from a wrong one.
 */
const ONE_RUN_MS = 20_000;
const TWO_RUNS_MS = 30_000;

/** A transaction on the input topic, and where it landed. */
interface Sent {
  tx: Transaction;
  partition: number;
  offset: number;
}

/** Fresh input and output topics, a group and a transactionalId: everything one scenario needs. */
interface Scenario {
  input: string;
  output: string;
  groupId: string;
  transactionalId: string;
  sent: Sent[];
}

async function scenario(ctx: CheckContext): Promise<Scenario> {
  return {
    input: await ctx.createTopic('transactions', PARTITIONS),
    output: await ctx.createTopic('balances', PARTITIONS),
    groupId: ctx.name('balance-service'),
    transactionalId: ctx.name('balance-service-tx'),
    sent: [],
  };
}

/** A few accounts, so balances add up over several transactions; each account on one partition, in order. */
function transactions(count: number, seed: number): Transaction[] {
  return generateTransactions(count, { seed, accounts: 4 });
}

/**
 * `txs` with their accounts swapped for those already on the input, the n-th new account for
 * the n-th old one: after a restart, the balances then go on from what Kafka committed.
 */
function onSameAccounts(s: Scenario, txs: readonly Transaction[]): Transaction[] {
  const before = [...new Set(s.sent.map((m) => m.tx.account))];
  const after = [...new Set(txs.map((tx) => tx.account))];
  return txs.map((tx) => ({ ...tx, account: before[after.indexOf(tx.account) % before.length] ?? tx.account }));
}

/** Writes `txs` to the input, keyed by account, and notes where each one landed. */
async function sendInput(ctx: CheckContext, s: Scenario, txs: readonly Transaction[]): Promise<void> {
  const accounts = [...new Set([...s.sent.map((m) => m.tx), ...txs].map((tx) => tx.account))].sort();
  const next = await ctx.endOffsets(s.input);
  const placed = txs.map((tx) => {
    const partition = accounts.indexOf(tx.account) % PARTITIONS;
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    return { tx, partition, offset };
  });
  await sendMessages(
    ctx,
    s.input,
    placed.map(({ tx, partition }) => ({ key: String(tx.account), value: encodeTransaction(tx), partition })),
  );
  s.sent.push(...placed);
}

/** Writes one message that is not a transaction to each of `partitions` of the input. */
async function sendNotTransactions(ctx: CheckContext, s: Scenario, partitions: readonly number[]): Promise<void> {
  await sendMessages(
    ctx,
    s.input,
    partitions.map((partition) => ({ key: 'garbage', value: 'not a transaction', partition })),
  );
}

interface Running {
  service: Service;
  watch: ConsumerWatch;
  /** Why the service stopped by itself, if it did: what onHalt was called with, or else `service.halted`. */
  readonly halts: Error[];
  wire: TransactionWire;
}

/**
 * The learner's service on this scenario, its connections through `wire`, always stopped after
 * the check. `onHalt: false` leaves that option out, as a program that does not listen would.
 */
function serviceFor(
  lesson: Lesson10,
  ctx: CheckContext,
  s: Scenario,
  label: string,
  wire: TransactionWire = transactionWire(),
  { onHalt = true } = {},
): Running {
  const heard: Error[] = [];
  const service = new lesson.BalanceService({
    connection: { ...ctx.connection(label), retry: QUICK_RETRIES, socketFactory: wire.socketFactory },
    inputTopic: s.input,
    outputTopic: s.output,
    groupId: s.groupId,
    transactionalId: s.transactionalId,
    ...(onHalt ? { onHalt: (error: Error) => heard.push(error) } : {}),
  });
  ctx.onCleanup(() => service.stop());
  return {
    service,
    watch: new ConsumerWatch(service.consumer, s.input),
    get halts() {
      return onHalt ? heard : service.halted ? [service.halted] : [];
    },
    wire,
  };
}

/** Waits until the group has `count` members: `advice` says what keeps an extra one there. */
async function untilMembers(ctx: CheckContext, groupId: string, count: number, expected: string, advice: string) {
  let members: string[] = [];
  await waitFor(
    async () => {
      members = await groupMembers(ctx, groupId);
      return members.length === count ? true : undefined;
    },
    {
      timeoutMs: 5000,
      expected,
      likelyCause: advice,
      lastSeen: () => `members: ${members.join(', ') || 'none'}`,
    },
  );
}

/** A todo() reached inside the batch handler is the learner's next step: report it as such, at once. */
function failOnTodo(running: Running): undefined {
  const todo = running.watch.crash && todoWithin(running.watch.crash);
  if (todo) throw todo;
  return undefined;
}

/**
 * Waits until the group has committed every input offset: each transaction is processed, one way
 * or another. Fails once the committed offsets stand still for `stallMs`: a service that keeps
 * committing is slow (one transaction per message, a busy machine), not stuck.
 */
async function untilAllCommitted(
  ctx: CheckContext,
  s: Scenario,
  running: Running,
  stallMs: number,
  when: string,
  advice = '',
) {
  const ends = await ctx.endOffsets(s.input);
  let committed = new Map<number, number>();
  let lastChange = { seen: '', at: performance.now() };
  const expected = `the group to commit all ${s.sent.length} input offsets ${when}`;
  const lastSeen = () =>
    `committed ${[...ends].map(([p, end]) => `${committed.get(p) ?? 'nothing'} of ${end} on partition ${p}`).join(', ')}; ` +
    `${running.wire.commits} transaction(s) committed; ` +
    (running.watch.assigned
      ? `the group gave it partition(s) ${running.watch.assigned.join(', ') || 'none'}`
      : 'it has not joined the group') +
    `, ${running.watch.batches} batch(es) handed to it` +
    (running.watch.crash ? `; the batch handler keeps failing: ${running.watch.crash.message}` : '') +
    (advice ? `. ${advice}` : '');
  const stalled = () =>
    `Waited ${(stallMs / 1000).toFixed(1)} s for ${expected}, in vain: the committed offsets stopped moving. Last seen: ${lastSeen()}.`;
  await waitFor(
    async () => {
      failOnTodo(running);
      if (running.halts[0]) throw new Error(`the service stopped by itself ${when}: ${running.halts[0].message}`);
      committed = await ctx.committedOffsets(s.groupId, s.input);
      if ([...ends].every(([p, end]) => end === 0 || (committed.get(p) ?? -1) >= end)) return true;
      const seen = JSON.stringify([...committed]);
      if (seen !== lastChange.seen) lastChange = { seen, at: performance.now() };
      if (performance.now() - lastChange.at > stallMs) throw new Error(stalled());
      // every partition one offset short, and nothing moving: each batch committed the offset of its last message, not the next one
      const oneShort = [...ends].filter(([p, end]) => end > 0 && committed.get(p) === end - 1);
      if (
        oneShort.length > 0 &&
        oneShort.length === [...ends.values()].filter((end) => end > 0).length &&
        performance.now() - lastChange.at > 3000
      ) {
        const [p, end] = oneShort[0]!;
        throw new Error(
          `partition ${p} of the input ends at offset ${end}, but the group committed ${end - 1}, and nothing more comes: after a restart, the last transaction of each batch would be processed again. ` +
            "The committed offset is the next one to read: the batch's last offset + 1 (step 5)",
        );
      }
      return undefined;
    },
    // the check's own time limit ends a wait that keeps moving
    {
      timeoutMs: 3 * stallMs,
      expected,
      lastSeen,
      likelyCause: 'the service keeps committing, but slowly: a transaction per message on a busy machine',
    },
  );
}

/** The balance updates of the output topic, as a read_committed (or, to compare, a read_uncommitted) reader sees them. */
async function updatesOn(ctx: CheckContext, topic: string, readUncommitted = false): Promise<BalanceUpdate[]> {
  const messages: ReadMessage[] = await ctx.readAll(topic, 8000, { readUncommitted });
  return messages.map((message) => decodeBalanceUpdate(message.value));
}

/**
 * How long the output may lag behind the group's committed offsets. After commit() returns, the
 * broker writes the transaction's commit markers partition by partition, the group's offsets and
 * the output's updates each in turn: for a moment (longer on a loaded machine) a reader can see
 * the offsets committed and not yet the updates that came with them.
 */
const MARKERS_MS = 5000;

/**
 * The output as a read_committed reader sees it once it has caught up with the offsets the group
 * has committed: read again, for at most MARKERS_MS, while an input transaction before a committed
 * offset has no update. Offsets that really ran ahead of the output never catch up, and the
 * check's assertions then say so.
 */
async function committedUpdates(ctx: CheckContext, s: Scenario): Promise<BalanceUpdate[]> {
  return (await settledOutput(ctx, s)).updates;
}

/** committedUpdates(), with the group's committed offsets it was read against. */
async function settledOutput(
  ctx: CheckContext,
  s: Scenario,
): Promise<{ updates: BalanceUpdate[]; committed: Map<number, number> }> {
  let read = { updates: [] as BalanceUpdate[], committed: new Map<number, number>() };
  await becomesTrue(
    async () => {
      // offsets first: whatever they cover was committed before the read that follows
      const committed = await ctx.committedOffsets(s.groupId, s.input);
      read = { updates: await updatesOn(ctx, s.output), committed };
      const seen = new Set(read.updates.map((u) => u.transaction_id));
      return s.sent.every((m) => m.offset >= (committed.get(m.partition) ?? 0) || seen.has(m.tx.transaction_id));
    },
    MARKERS_MS,
    100,
  );
  return read;
}

/** The transactions that have more than one update, each named once. */
function countedTwice(updates: readonly BalanceUpdate[]): string[] {
  const ids = updates.map((u) => u.transaction_id);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

/** "$12.34" from cents. */
const money = (cents: number) => formatMoney(cents / 100);

/**
 * Holds a read_committed reader's view of the output to exactly-once: every input
 * transaction's update once, nothing else, each account's balances adding up one
 * transaction at a time, and the final balances equal to the sum of the input.
 */
function expectExactlyOnce(updates: readonly BalanceUpdate[], sent: readonly Sent[], after: string): void {
  const ids = updates.map((u) => u.transaction_id);
  const twice = countedTwice(updates);
  expect(
    twice,
    `${after}, a read_committed reader sees ${twice.length} transaction(s) counted twice (${twice.slice(0, 3).join(', ')}): the service processed them again after they had been committed`,
  ).toEqual([]);
  const missing = sent.filter((m) => !ids.includes(m.tx.transaction_id)).map((m) => m.tx.transaction_id);
  expect(
    missing,
    `${after}, a read_committed reader sees no balance update for ${missing.length} of the ${sent.length} transactions (${missing.slice(0, 3).join(', ')})`,
  ).toEqual([]);

  const balances = new Map<number, number>();
  for (const update of updates) {
    const before = balances.get(update.account) ?? 0;
    const tx = sent.find((m) => m.tx.transaction_id === update.transaction_id)?.tx;
    expect(tx, `the output holds an update for ${update.transaction_id}, which is not on the input`).toBeDefined();
    expect(
      update.balance_cents,
      `${after}, account ${update.account} goes from ${money(before)} to ${money(update.balance_cents)} with ${update.transaction_id} (${money(toCents(tx!.amount))}): ` +
        `it should be ${money(before + toCents(tx!.amount))}. The service started from a balance Kafka never committed (an aborted update, or one counted before its commit), or a restarted service did not start from the balances Kafka committed (start() reads them with readBalances(), through your reader)`,
    ).toBe(before + toCents(tx!.amount));
    balances.set(update.account, update.balance_cents);
  }
  for (const [account, expected] of sumByAccount(sent)) {
    expect(balances.get(account), `account ${account}'s final balance`).toBe(expected);
  }
}

function sumByAccount(sent: readonly Sent[]): Map<number, number> {
  const sums = new Map<number, number>();
  for (const { tx } of sent) sums.set(tx.account, (sums.get(tx.account) ?? 0) + toCents(tx.amount));
  return sums;
}

/**
 * The committed offsets must never run ahead of the committed output: for each input
 * partition, every transaction before the committed offset has its update committed.
 */
async function expectOffsetsNotAhead(ctx: CheckContext, s: Scenario, moment: string): Promise<void> {
  const { updates, committed } = await settledOutput(ctx, s);
  const visible = new Set(updates.map((u) => u.transaction_id));
  for (const [partition, offset] of committed) {
    const lost = s.sent.filter(
      (m) => m.partition === partition && m.offset < offset && !visible.has(m.tx.transaction_id),
    );
    expect(
      lost.map((m) => m.tx.transaction_id),
      `${moment}, the group's committed offset on partition ${partition} is ${offset}, but ${lost.length} transaction(s) before it have no committed balance update. ` +
        `The offsets ran ahead of the output: a restart would skip them for good. Commit the offsets only through the transaction (transaction.sendOffsets), never with consumer.commitOffsets or autoCommit`,
    ).toEqual([]);
  }
}

/** Waits for the simulated crash; a service that never gets that far is told what it missed. */
async function untilCrashed(running: Running, what: string): Promise<void> {
  await waitFor(() => (running.wire.crashed ? true : failOnTodo(running)), {
    timeoutMs: 6000,
    expected: what,
    likelyCause:
      'the service never asked for a commit: send the updates in producer.transaction() and commit it (step 4)',
    lastSeen: () =>
      `${running.wire.commitRequests} commit request(s), ${running.wire.commits} acknowledged` +
      (running.watch.crash ? `; the batch handler failed: ${running.watch.crash.message}` : ''),
  });
}

/** The killed instance leaves its group (it can do nothing else), so a restarted one takes over at once. */
async function stopKilled(running: Running): Promise<void> {
  await within(
    running.service.stop(),
    5000,
    'stop() did not return within 5 s after the simulated crash: it should let the batch in hand fail, leave the group and disconnect',
  );
  running.wire.sever();
}

export const lesson10 = defineLesson<Lesson10>({
  id: 'lesson-10',
  checks: [
    {
      name: 'each transaction becomes one balance update, committed together with its input offset',
      step: 4,
      timeoutMs: ONE_RUN_MS,
      async run(lesson, ctx) {
        const s = await scenario(ctx);
        const running = serviceFor(lesson, ctx, s, 'learner');
        await sendInput(ctx, s, transactions(12, 1001));
        await running.service.start();
        await untilAllCommitted(ctx, s, running, STALL_MS, 'after start()');

        expect(
          running.wire.commits,
          'the group committed the offsets, but no transaction was ever committed: send the updates with producer.transaction() and commit it (step 4)',
        ).toBeGreaterThan(0);
        expect(
          running.wire.offsetCommits,
          `the consumer committed offsets by itself ${running.wire.offsetCommits} time(s), outside any transaction. A crash between that commit and the transaction's would lose or repeat updates: run the consumer with autoCommit: false and commit offsets only with transaction.sendOffsets (step 5)`,
        ).toBe(0);
        const ends = await ctx.endOffsets(s.input);
        const committed = await ctx.committedOffsets(s.groupId, s.input);
        for (const [partition, end] of ends) {
          expect(
            committed.get(partition),
            `partition ${partition} of the input ends at offset ${end}, but the group committed ${committed.get(partition)}. The committed offset is the next one to read: the batch's last offset + 1`,
          ).toBe(end);
        }
        expectExactlyOnce(await committedUpdates(ctx, s), s.sent, 'After one run');
        expect(
          Object.fromEntries(running.service.balances),
          "service.balances should hold each account's committed balance, in cents",
        ).toEqual(Object.fromEntries(sumByAccount(s.sent)));
      },
    },
    {
      name: 'a message that is not a transaction is counted and skipped, and its offset is committed all the same',
      step: 4,
      timeoutMs: ONE_RUN_MS,
      async run(lesson, ctx) {
        const s = await scenario(ctx);
        const running = serviceFor(lesson, ctx, s, 'learner');
        await sendInput(ctx, s, transactions(6, 1011));
        await running.service.start();
        await untilAllCommitted(ctx, s, running, STALL_MS, 'after start()');
        // alone in its batch: a transaction with no update to write still has an offset to commit
        await sendNotTransactions(ctx, s, [0]);
        await untilAllCommitted(
          ctx,
          s,
          running,
          STALL_MS,
          'after a message that is not a transaction',
          'A batch of messages that are not transactions has no update to send, but its input offset must be committed all the same, or the group never gets past it: begin the transaction, sendOffsets and commit even when `updates` is empty; only the send is for when there are updates (steps 4 and 5)',
        );
        await sendInput(ctx, s, onSameAccounts(s, transactions(4, 1012)));
        await untilAllCommitted(ctx, s, running, STALL_MS, 'after the transactions that came next');
        expect(
          running.service.malformedCount,
          'service.malformedCount should count the one message that was not a transaction',
        ).toBe(1);
        expectExactlyOnce(await committedUpdates(ctx, s), s.sent, 'Around a message that was not a transaction');
      },
    },
    {
      name: 'killed between produce and commit: after a restart, a read_committed reader sees each update once and exact balances',
      step: 5,
      timeoutMs: TWO_RUNS_MS,
      async run(lesson, ctx) {
        const s = await scenario(ctx);
        const first = serviceFor(lesson, ctx, s, 'learner', transactionWire({ crashAt: { beforeCommit: 2 } }));
        await sendInput(ctx, s, transactions(12, 1002));
        await first.service.start();
        await untilCrashed(
          first,
          'the service to write a second transaction and ask for its commit (the check kills it then)',
        );
        await expectOffsetsNotAhead(ctx, s, 'When the service died before its second commit');
        await stopKilled(first);

        const restarted = serviceFor(lesson, ctx, s, 'restarted');
        await sendInput(ctx, s, onSameAccounts(s, transactions(6, 1003)));
        await restarted.service.start();
        await untilAllCommitted(ctx, s, restarted, RESTART_STALL_MS, 'after the restart');

        const committed = await committedUpdates(ctx, s);
        const everything = await updatesOn(ctx, s.output, true);
        expect(
          committed.length,
          `a read_committed reader sees ${committed.length} updates for ${s.sent.length} transactions although every input offset is committed: ` +
            'a transaction is still open on the output topic, the one the killed instance left. The restart must use the same transactionalId: its claim (step 3) aborts what the old instance left open, where a new id leaves it open until it times out (60 s)',
        ).toBeGreaterThanOrEqual(s.sent.length);
        expectExactlyOnce(committed, s.sent, 'After the crash and the restart');
        expect(
          everything.length - committed.length,
          "a read_uncommitted reader should see the killed transaction's updates too (that is how the check knows the crash came between produce and commit): send the updates inside the transaction, before you commit it",
        ).toBeGreaterThan(0);
      },
    },
    {
      name: 'killed right after a commit: the restart resumes after what was committed, nothing is processed twice',
      step: 5,
      timeoutMs: TWO_RUNS_MS,
      async run(lesson, ctx) {
        const s = await scenario(ctx);
        const first = serviceFor(lesson, ctx, s, 'learner', transactionWire({ crashAt: { afterCommit: 1 } }));
        await sendInput(ctx, s, transactions(12, 1004));
        await first.service.start();
        await untilCrashed(first, 'the service to commit its first transaction (the check kills it right after)');
        await expectOffsetsNotAhead(ctx, s, 'When the service died after its first commit');
        await stopKilled(first);

        const restarted = serviceFor(lesson, ctx, s, 'restarted');
        await restarted.service.start();
        await untilAllCommitted(ctx, s, restarted, RESTART_STALL_MS, 'after the restart');
        const committed = await committedUpdates(ctx, s);
        const twice = countedTwice(committed);
        expect(
          twice,
          `${twice.length} transaction(s) were counted twice (${twice.slice(0, 3).join(', ')}): their updates were committed, but their input offsets were not committed with them, so the restart processed them again. ` +
            'Put the offsets into the transaction with transaction.sendOffsets before commit, and run the consumer with autoCommit: false (step 5)',
        ).toEqual([]);
        expectExactlyOnce(committed, s.sent, 'After the crash and the restart');
      },
    },
    {
      name: 'a rebalance right after a commit hands the last batch over again: nothing is counted twice',
      step: 5,
      timeoutMs: ONE_RUN_MS,
      async run(lesson, ctx) {
        const s = await scenario(ctx);
        const running = serviceFor(lesson, ctx, s, 'learner');
        await sendInput(ctx, s, transactions(12, 1008));
        await running.service.start();
        await untilAllCommitted(ctx, s, running, STALL_MS, 'before the rebalance');

        const endedBefore = new Map(running.watch.batchesEnded);
        running.wire.rewindOnRejoin(s.input);
        const handedAgain = () =>
          running.wire.rewound.size > 0 &&
          [...running.wire.rewound.keys()].every(
            (p) => (running.watch.batchesEnded.get(p) ?? 0) > (endedBefore.get(p) ?? 0),
          );
        await waitFor(() => (handedAgain() ? true : failOnTodo(running)), {
          timeoutMs: 10_000,
          expected: 'the service to rejoin its group and be handed its last batch of each partition again',
          likelyCause: 'the consumer sends no heartbeats: kafkajs heartbeats between batches, every heartbeatInterval',
          lastSeen: () =>
            running.wire.rewound.size === 0
              ? 'the consumer has not asked for its committed offsets since the rebalance'
              : `rewound partition(s) ${[...running.wire.rewound.keys()].join(', ')}; batches finished since: ` +
                [...running.wire.rewound.keys()]
                  .map((p) => `${(running.watch.batchesEnded.get(p) ?? 0) - (endedBefore.get(p) ?? 0)} on ${p}`)
                  .join(', '),
        });
        await untilAllCommitted(ctx, s, running, STALL_MS, 'after the rebalance');
        const updates = await committedUpdates(ctx, s);
        const twice = countedTwice(updates);
        expect(
          twice,
          `${twice.length} transaction(s) were counted twice (${twice.slice(0, 3).join(', ')}) after a rebalance. The check rejoined the group right after a commit and answered, as Kafka does while a commit's markers are still being written, with the offsets from before it, so kafkajs handed the last batch over again. ` +
            'Build the updates from this.notYetCommitted(batch), not batch.messages, and let start() note what each batch committed (both are written for you in the lesson file)',
        ).toEqual([]);
        expectExactlyOnce(updates, s.sent, 'After the rebalance');
      },
    },
    {
      name: 'a transaction that fails half-way is aborted: its updates are never seen, and the batch is processed again',
      step: 6,
      timeoutMs: ONE_RUN_MS,
      async run(lesson, ctx) {
        const s = await scenario(ctx);
        const running = serviceFor(lesson, ctx, s, 'learner', transactionWire({ failFirst: API.txnOffsetCommit }));
        // one in every partition, so that the batch whose transaction fails has one too
        await sendNotTransactions(
          ctx,
          s,
          Array.from({ length: PARTITIONS }, (_, partition) => partition),
        );
        await sendInput(ctx, s, transactions(12, 1005));
        await running.service.start();
        await untilAllCommitted(
          ctx,
          s,
          running,
          STALL_MS,
          'after one failed sendOffsets (the check broke the connection under it)',
          'When anything in a transaction fails, abort it: kafkajs begins no new transaction while one is open ("There is already an ongoing transaction"), and an open transaction hides everything written after it from read_committed readers (step 6)',
        );
        expectExactlyOnce(await committedUpdates(ctx, s), s.sent, 'After an aborted transaction and its retry');
        expect(
          Object.fromEntries(running.service.balances),
          "service.balances counted the aborted transaction as well as its retry: add a batch's balances to this.balances only once its transaction has committed (step 4)",
        ).toEqual(Object.fromEntries(sumByAccount(s.sent)));
        expect(
          running.service.malformedCount,
          `the check sent ${PARTITIONS} messages that are not transactions, one per partition, and service.malformedCount says ${running.service.malformedCount}. ` +
            'A batch whose transaction is aborted is delivered again: add skipped.length to this.malformedCount only once its transaction has committed, as you do with the balances (step 4)',
        ).toBe(PARTITIONS);
      },
    },
    {
      name: 'a commit whose answer is lost leaves its outcome unknown: the service halts, and a restart settles it',
      step: 6,
      timeoutMs: TWO_RUNS_MS,
      async run(lesson, ctx) {
        const s = await scenario(ctx);
        // no onHalt here: it is optional, and a service that halts stops all the same
        const first = serviceFor(lesson, ctx, s, 'learner', transactionWire({ failFirst: API.endTxn }), {
          onHalt: false,
        });
        await sendInput(ctx, s, transactions(12, 1009));
        await first.service.start();
        const stuck =
          'after a failed commit kafkajs refuses to abort ("Cannot continue to use transaction once ended") and to begin another transaction, so the service can only stop: when the abort throws too, this.halt(new UnknownOutcomeError(error)) (step 6)';
        await waitFor(
          () => {
            if (first.halts.length > 0) return true;
            // kafkajs says so at once: the batch delivered again cannot begin a transaction
            const crash = first.watch.crash?.message ?? '';
            if (/in state "COMMITTING"|once ended/.test(crash))
              throw new Error(`the service retried its batch in vain ("${crash}"): ${stuck}`);
            return failOnTodo(first);
          },
          {
            timeoutMs: STALL_MS,
            expected: 'the service to halt: its first commit failed, and whether it committed is unknown',
            likelyCause: stuck,
            lastSeen: () =>
              `${first.wire.commitRequests} commit request(s), ${first.wire.commits} acknowledged` +
              (first.watch.crash ? `; the batch handler keeps failing: ${first.watch.crash.message}` : ''),
          },
        );
        expect(
          first.halts[0]?.name,
          `the service halted with "${first.halts[0]?.message}": a commit that failed and cannot be aborted is an UnknownOutcomeError (step 6)`,
        ).toBe('UnknownOutcomeError');
        expect(
          first.halts[0]?.cause,
          'the UnknownOutcomeError should carry the error of the failed commit: new UnknownOutcomeError(error) (step 6)',
        ).toBeInstanceOf(Error);
        expect(first.halts[0]?.message, 'the UnknownOutcomeError should say that the outcome is unknown').toMatch(
          /unknown/,
        );
        await untilMembers(
          ctx,
          s.groupId,
          0,
          'the halted service to leave its group by itself',
          'after halting, the service must stop and leave its group, whether or not anyone listens with onHalt: this.halt(…) calls this.stop()',
        );
        await within(first.service.stop(), 5000, 'stop() did not return within 5 s after the service halted');

        const restarted = serviceFor(lesson, ctx, s, 'restarted');
        await restarted.service.start();
        await untilAllCommitted(ctx, s, restarted, RESTART_STALL_MS, 'after the restart');
        expectExactlyOnce(await committedUpdates(ctx, s), s.sent, 'After the lost commit and the restart');
      },
    },
    {
      name: 'a second instance with the same transactionalId fences the first, whose next transaction fails and which steps aside',
      step: 7,
      timeoutMs: TWO_RUNS_MS,
      async run(lesson, ctx) {
        const s = await scenario(ctx);
        const first = serviceFor(lesson, ctx, s, 'learner');
        await sendInput(ctx, s, transactions(8, 1006));
        await first.service.start();
        await untilAllCommitted(ctx, s, first, STALL_MS, 'by the first instance');

        const second = serviceFor(lesson, ctx, s, 'second');
        await second.service.start();
        expect(
          second.wire.claims,
          "start() returned without claiming the transactionalId (no InitProducerId request carried it): until the second instance's first transaction, the first one is not fenced and goes on committing. Claim it in start(): begin a transaction and abort it (step 3)",
        ).toBeGreaterThan(0);
        // from here on the second instance holds the transactionalId: the first must not commit anything
        const commitsBefore = first.wire.commits;
        await sendInput(ctx, s, transactions(8, 1007));
        // fenced at its next transaction, or not at all: a commit of the first instance now is the answer too
        await waitFor(() => (first.halts.length > 0 || first.wire.commits > commitsBefore ? true : failOnTodo(first)), {
          timeoutMs: 6000,
          expected: 'the first instance to be fenced once the second one started with the same transactionalId',
          likelyCause: 'the second instance did not claim the transactionalId at start (step 3)',
          lastSeen: () =>
            `the first instance committed ${first.wire.commits - commitsBefore} transaction(s) after the second one started` +
            (first.watch.crash ? `; its batch handler failed: ${first.watch.crash.message}` : '') +
            '. Claim the transactionalId in start() (step 3), and when the broker refuses a fenced producer (isFenced(error)), halt with a FencedError (step 7)',
        });
        expect(
          first.wire.commits - commitsBefore,
          'the first instance committed transactions after a second one with the same transactionalId had started: nothing fenced it. Use options.transactionalId as it is, the same on every start (step 1), and claim it in start() (step 3)',
        ).toBe(0);
        expect(first.halts[0]?.message, 'the first instance should stop with the FencedError (step 7)').toMatch(
          /fenced/i,
        );
        expect(first.halts[0]?.message, 'the FencedError should name the transactionalId').toContain(s.transactionalId);
        expect(first.halts[0]?.name, 'the first instance should stop with a FencedError (step 7)').toBe('FencedError');
        expect(
          first.halts[0]?.cause,
          "the FencedError should carry the broker's refusal: new FencedError(this.options.transactionalId, error) (step 7)",
        ).toBeInstanceOf(Error);
        await untilMembers(
          ctx,
          s.groupId,
          1,
          'the fenced instance to leave the group, so the second one gets all the partitions',
          'the fenced instance kept running: on FencedError, halt and stop (step 7). After halting, the service must stop() (halt() does)',
        );
        await untilAllCommitted(ctx, s, second, STALL_MS, 'by the second instance, alone');
        expectExactlyOnce(await committedUpdates(ctx, s), s.sent, 'After the fencing');
        expect(
          first.halts.length,
          'onHalt was called more than once: a service halts once, whatever fails after that (halt() returns when this.halted is set)',
        ).toBe(1);
      },
    },
    {
      name: 'the balance reader sees committed updates only',
      step: 2,
      async run(lesson, ctx) {
        // partition 0 holds the balances, 1 something that is not a balance, 2 nothing
        const topic = await ctx.createTopic('balances', 3);
        const producer = ctx.kafka('check-writer').producer({
          transactionalId: ctx.name('check-writer'),
          idempotent: true,
          maxInFlightRequests: 1,
        });
        ctx.onCleanup(() => producer.disconnect());
        await producer.connect();
        const write = async (messages: Message[], commit: boolean) => {
          const transaction = await producer.transaction();
          await transaction.send({ topic, messages });
          await (commit ? transaction.commit() : transaction.abort());
        };
        const balancesOf = (updates: BalanceUpdate[]) =>
          updates.map((u) => ({ key: String(u.account), value: JSON.stringify(u), partition: 0 }));
        const update = (account: number, balance: number, id: number): BalanceUpdate => ({
          account,
          balance_cents: balance,
          amount_cents: balance,
          transaction_id: `TXN-${id}`,
        });
        await write(balancesOf([update(1001, 10_000, 1), update(1002, 5_000, 2)]), true);
        await write(balancesOf([update(1001, 999_999, 3), update(1003, 777, 4)]), false);
        await write([{ key: 'note', value: 'not a balance update', partition: 1 }], true);
        // abort() returns once the coordinator has decided; the abort marker reaches the partition a
        // moment later, and until then the aborted updates lie past the last stable offset, where a
        // reader that stops there would miss them even reading uncommitted
        const admin = await ctx.admin();
        // partition 0: two transactions, each two updates and a marker; partition 1: one message and its marker
        const settled = new Map([
          [0, 2 * (2 + 1)],
          [1, 1 + 1],
        ]);
        await waitFor(
          async () =>
            (await admin.fetchTopicOffsets(topic)).every(
              ({ partition, high }) => Number(high) === (settled.get(partition) ?? 0),
            )
              ? true
              : undefined,
          {
            timeoutMs: 10_000,
            expected: 'both transactions of the check to be settled on the topic',
            likelyCause: 'the broker is slow to write transaction markers: it is overloaded; run the check again',
          },
        );

        const tap = wireTap();
        const balances = await lesson.readBalances(
          { ...ctx.connection(), socketFactory: tap.socketFactory },
          topic,
          ctx.name('reader'),
        );
        const everything = await ctx.readAll(topic, 8000, { readUncommitted: true });
        expect(everything.length, 'the check wrote 5 messages, 2 of them in an aborted transaction').toBe(5);
        expect(
          [...balances].sort(([a], [b]) => a - b),
          `the reader returned ${[...balances].map(([a, c]) => `${a}: ${money(c)}`).join(', ') || 'no balance'}. Account 1001 at ${money(999_999)} and account 1003 come from a transaction that was aborted: ` +
            'a reader of balances must see committed updates only. Create it with readUncommitted: false (step 2)',
        ).toEqual([
          [1001, 10_000],
          [1002, 5_000],
        ]);
        expect(
          await becomesTrue(() => tap.openConnections() === 0, 1000),
          `readBalances() returned with ${tap.openConnections()} connection(s) to the broker still open: the reader it creates must be disconnected once it has read`,
        ).toBe(true);
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'offsets-outside-transaction',
      rejectedBy:
        'killed right after a commit: the restart resumes after what was committed, nothing is processed twice',
      teaches: /counted twice.*input offsets were not committed with them.*sendOffsets/,
    },
    {
      fixture: 'offsets-committed-first',
      rejectedBy:
        'killed between produce and commit: after a restart, a read_committed reader sees each update once and exact balances',
      teaches: /ran ahead of the output.*only through the transaction/,
    },
    {
      fixture: 'offset-off-by-one',
      rejectedBy: 'each transaction becomes one balance update, committed together with its input offset',
      teaches: /the next one to read: the batch's last offset \+ 1/,
    },
    {
      fixture: 'no-abort',
      rejectedBy:
        'a transaction that fails half-way is aborted: its updates are never seen, and the batch is processed again',
      teaches: /after one failed sendOffsets.*abort it: kafkajs begins no new transaction while one is open/,
    },
    {
      fixture: 'balances-before-commit',
      rejectedBy:
        'a transaction that fails half-way is aborted: its updates are never seen, and the batch is processed again',
      teaches: /a balance Kafka never committed.*counted before its commit/,
    },
    {
      fixture: 'malformed-counted-before-commit',
      rejectedBy:
        'a transaction that fails half-way is aborted: its updates are never seen, and the batch is processed again',
      teaches:
        /A batch whose transaction is aborted is delivered again: add skipped\.length to this\.malformedCount only once/,
    },
    {
      fixture: 'abort-without-halt',
      rejectedBy:
        'a commit whose answer is lost leaves its outcome unknown: the service halts, and a restart settles it',
      teaches: /Cannot continue to use transaction once ended.*UnknownOutcomeError\(error\)\) \(step 6\)/,
    },
    {
      fixture: 'random-transactional-id',
      rejectedBy:
        'a second instance with the same transactionalId fences the first, whose next transaction fails and which steps aside',
      teaches: /nothing fenced it.*the same on every start/,
    },
    {
      fixture: 'ignores-fencing',
      rejectedBy:
        'a second instance with the same transactionalId fences the first, whose next transaction fails and which steps aside',
      teaches: /FencedError \(step 7\)/,
    },
    {
      fixture: 'skips-batch-without-updates',
      rejectedBy:
        'a message that is not a transaction is counted and skipped, and its offset is committed all the same',
      teaches: /no update to send, but its input offset must be committed all the same/,
    },
    {
      fixture: 'counts-a-batch-again',
      rejectedBy: 'a rebalance right after a commit hands the last batch over again: nothing is counted twice',
      teaches: /counted twice.*after a rebalance.*this\.notYetCommitted\(batch\)/,
    },
    {
      fixture: 'read-uncommitted',
      rejectedBy: 'the balance reader sees committed updates only',
      teaches: /aborted.*readUncommitted: false/,
    },
  ],
  correctVariants: ['transaction-per-message', 'offsets-first-undo-log'],
});

registerLesson(lesson10);
