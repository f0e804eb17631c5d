import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The workshop's one way to wait: for a condition, with a bound, never for a fixed time. The
 * checks, the tests, the live programs and the broker tools all use these.
 */

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What was waited for: "all 30 transactions to reach onTransaction". */
  expected: string;
  /** What was there instead, read when the wait gives up: "12 arrived". */
  lastSeen?: () => string;
  /**
   * The most likely reason, with what to do about it; a function when it depends on what was
   * seen. The checks must give one (checks/support/wait.ts): a timeout that only says "in vain"
   * teaches nothing.
   */
  likelyCause?: string | (() => string);
}

/**
 * Waits for a condition instead of sleeping: returns as soon as `probe` yields a value, and
 * fails after `timeoutMs` with a message saying what was expected, what was last seen and the
 * most likely cause, each built when the wait gives up, from what it saw.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const seen = options.lastSeen ? ` Last seen: ${options.lastSeen()}.` : '';
      const cause = typeof options.likelyCause === 'function' ? options.likelyCause() : options.likelyCause;
      throw new Error(
        `Waited ${(timeoutMs / 1000).toFixed(1)} s for ${options.expected}, in vain.${seen}${cause ? ` Most likely: ${cause}` : ''}`,
      );
    }
    await sleep(options.intervalMs ?? 50);
  }
}

/** Whether `condition` became true within `timeoutMs`, checked every `intervalMs`: for callers that judge the answer themselves. */
export async function becomesTrue(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 20,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/**
 * Rejects with `message` (made when the time is up, when it is a function) when `promise` has not settled
 * within `ms`; the timer goes away as soon as it settles.
 */
export function within<T>(promise: Promise<T>, ms: number, message: string | (() => string)): Promise<T> {
  const settled = new AbortController();
  const timeout = sleep(ms, undefined, { signal: settled.signal }).then(() => {
    throw new Error(typeof message === 'string' ? message : message());
  });
  return Promise.race([promise, timeout]).finally(() => settled.abort());
}

/** The pace of a polling loop: a pause that ends at once when `signal` aborts (resolving, not rejecting). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
