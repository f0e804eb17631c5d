import { BroadcastChannel } from 'node:worker_threads';
import { CallTracker } from './learner-calls.ts';

/**
 * How a check's thread tells the runner's main thread what it is doing, on a channel that needs
 * no turn of the sender's event loop: a message posted before the learner's code takes the thread
 * for good still arrives. The thread also says "alive" four times a second; when that stops
 * while a check runs, the learner's code holds the thread, and the runner ends it.
 */
export const PROGRESS_CHANNEL_VARIABLE = 'WORKSHOP_PROGRESS_CHANNEL';
export const ALIVE_EVERY_MS = 250;

export type ProgressMessage =
  | { type: 'alive' }
  | { type: 'start'; check: string; runId: string; boundMs: number; counts: SharedArrayBuffer }
  | { type: 'label'; check: string; slot: number; label: string }
  | { type: 'verdict'; check: string }
  | { type: 'end'; check: string };

let channel: BroadcastChannel | undefined;

function open(): BroadcastChannel | undefined {
  const name = process.env[PROGRESS_CHANNEL_VARIABLE];
  if (!name) return undefined;
  if (!channel) {
    channel = new BroadcastChannel(name);
    channel.unref();
    const post = channel.postMessage.bind(channel);
    setInterval(() => post({ type: 'alive' } satisfies ProgressMessage), ALIVE_EVERY_MS).unref();
    post({ type: 'alive' } satisfies ProgressMessage);
  }
  return channel;
}

export interface CheckProgress {
  tracker: CallTracker;
  verdict(): void;
  end(): void;
}

/**
 * Announces a check and hands back its call tracker; without a runner listening (npm test), it only
 * counts. `runId` is in the names of the check's topics and groups: were the thread ended, the runner removes them.
 */
export function startCheckProgress(check: string, boundMs: number, runId: string): CheckProgress {
  const to = open();
  const post = (message: ProgressMessage) => to?.postMessage(message);
  const tracker = new CallTracker(undefined, (slot, label) => post({ type: 'label', check, slot, label }));
  post({ type: 'start', check, runId, boundMs, counts: tracker.buffer });
  return { tracker, verdict: () => post({ type: 'verdict', check }), end: () => post({ type: 'end', check }) };
}
