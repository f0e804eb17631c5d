// A correct variant: the reader relies on kafkajs's default isolation level (read_committed).
import { randomBytes } from 'node:crypto';
import { Kafka, type Consumer, type KafkaConfig } from 'kafkajs';
import { decodeBalanceUpdate, type BalanceUpdate } from '../../../../bank/balance.ts';

/**
 * A consumer of balance updates that sees only what was committed: the updates of aborted
 * transactions never reach it, and those of open ones only once they commit.
 */
export function createBalanceReader(connection: KafkaConfig, groupId: string): Consumer {
  // kafkajs reads committed only unless told otherwise: the default is enough
  return new Kafka(connection).consumer({ groupId, maxWaitTimeInMs: 50 });
}

/**
 * Each account's latest balance, in cents, from every balance update now on `topic`: the
 * balances as Kafka committed them, when createBalanceReader reads committed only.
 */
export async function readBalances(
  connection: KafkaConfig,
  topic: string,
  groupId: string,
): Promise<Map<number, number>> {
  const balances = new Map<number, number>();
  for (const update of await readUpdates(connection, topic, groupId))
    balances.set(update.account, update.balance_cents);
  return balances;
}

/**
 * Reads every balance update now on `topic` with createBalanceReader, in order within each
 * partition (an account's updates are all in one). It reads up to the topic's last stable
 * offset: the point before which every transaction has committed or aborted.
 */
export async function readUpdates(connection: KafkaConfig, topic: string, groupId: string): Promise<BalanceUpdate[]> {
  const updates: BalanceUpdate[] = [];
  const admin = new Kafka(connection).admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    // kafkajs asks for the read_committed end: the last stable offset, not the high watermark
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
  if ([...ends.values()].every((end) => end === 0)) return updates;

  // a group of its own, never committed: reading the history must not move anyone's offsets
  const reader = createBalanceReader(connection, `${groupId}-history-${randomBytes(4).toString('hex')}`);
  const reached = new Map<number, number>();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const check = () => [...ends].every(([p, end]) => (reached.get(p) ?? 0) >= end) && done();
  // the end of a partition is often a commit marker, which no handler ever sees: the batch events do
  reader.on(reader.events.END_BATCH_PROCESS, ({ payload }) => {
    reached.set(payload.partition, Number(payload.lastOffset) + 1);
    check();
  });
  try {
    await reader.connect();
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const update = readable(message.value);
        if (update && Number(message.offset) < (ends.get(partition) ?? 0)) updates.push(update);
      },
    });
    check();
    await finished;
  } finally {
    await reader.disconnect();
  }
  return updates;
}

/** Only the service writes the balances topic; should anything else land there, it is not a balance. */
function readable(value: Buffer | null): BalanceUpdate | undefined {
  try {
    return decodeBalanceUpdate(value);
  } catch {
    return undefined;
  }
}
