import type { Admin } from 'kafkajs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits until `topic` exists: the monitor may start before the simulator has created it.
 * Returns false when the program was asked to stop first. `onWaiting` is called once.
 */
export async function waitForTopic(admin: Admin, topic: string, stop: AbortSignal, onWaiting: () => void): Promise<boolean> {
  for (let waiting = false; !stop.aborted; waiting = true) {
    if ((await admin.listTopics()).includes(topic)) return true;
    if (!waiting) onWaiting();
    await delay(1000, undefined, { signal: stop }).catch(() => undefined);
  }
  return false;
}
