import type { Consumer } from 'kafkajs';
import { notDoneYet } from './lesson-code.ts';

/** "🧩 Partitions assigned: 0, 2": printed on the first join and again on every rebalance. */
export function formatAssignment(partitions: readonly number[]): string {
  if (partitions.length === 0) {
    return '🧩 Partitions assigned: none (this group has more consumers than the topic has partitions, so this one stands by)';
  }
  return `🧩 Partitions assigned: ${[...partitions].sort((a, b) => a - b).join(', ')}`;
}

/**
 * Follows a kafkajs consumer's group membership and health. Resolves never; rejects when the
 * consumer cannot go on: kafkajs gave up on it, or the learner's handler reached a `todo(...)`.
 * A crash that kafkajs recovers from by itself (say, the broker went away) is reported once,
 * not on every retry; joining the group again ends the outage.
 */
export function watchConsumer(
  consumer: Consumer,
  topic: string,
  print: { assigned(partitions: number[]): void; warn(line: string): void },
): Promise<never> {
  let outage: string | undefined;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    if (outage !== undefined)
      print.warn('✅ The consumer is back in its group and carries on where the group left off.');
    outage = undefined;
    print.assigned(payload.memberAssignment[topic] ?? []);
  });
  const fatal = new Promise<never>((_, reject) => {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart || notDoneYet(payload.error)) return reject(payload.error);
      if (outage === payload.error.message) return;
      outage = payload.error.message;
      print.warn(`⚠️  The consumer stopped (${outage}); kafkajs restarts it and keeps trying. Ctrl+C stops.`);
    });
  });
  // a crash while the program is busy elsewhere (shutting down) must not become an unhandled rejection
  fatal.catch(() => undefined);
  return fatal;
}
