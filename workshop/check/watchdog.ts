import { BroadcastChannel } from 'node:worker_threads';
import type { ProgressMessage } from './check-progress.ts';
import { blamedCall, stallMessage, type StallKind } from './stall-report.ts';
import { exitIn, readCounts, type CallCount } from './learner-calls.ts';

/** How long the learner's code may hold a check's thread without a pause. */
export const BUSY_LIMIT_MS = 5000;
/** A check's timeout fires inside its thread; this much later, the runner stops waiting for it. */
export const TIMEOUT_GRACE_MS = 10_000;
/** Cleanups are bounded one by one; this bounds them together. */
export const CLEANUP_LIMIT_MS = 30_000;
/** Started calls that never finish, past this many, are a flood, not a loop. */
const FLOOD_PENDING = 1000;

interface RunningCheck {
  name: string;
  runId: string;
  boundMs: number;
  startedAt: number;
  verdictAt?: number;
  counts: Int32Array;
  labels: string[];
}

export interface Stall {
  /** The check to blame, when one was running. */
  check: string | undefined;
  kind: StallKind;
  message: string;
}

/**
 * The runner's main thread watching the checks' thread: it hears each check start and end, and
 * the thread's "alive" beat. When a check overruns its bound by far, or the beat stops while a
 * check runs, it names the check and the learner call, once, so the runner can end the thread.
 */
export class CheckWatchdog {
  private readonly running = new Map<string, RunningCheck>();
  private lastAlive: number;
  private lastTick: number;
  private stalled = false;

  constructor(
    readonly lessonId: string,
    private readonly now: () => number = Date.now,
    private readonly limits = { busyMs: BUSY_LIMIT_MS, graceMs: TIMEOUT_GRACE_MS, cleanupMs: CLEANUP_LIMIT_MS },
  ) {
    this.lastAlive = this.lastTick = now();
  }

  handle(message: ProgressMessage): void {
    const at = this.now();
    this.lastAlive = at;
    if (message.type === 'start')
      this.running.set(message.check, {
        name: message.check,
        runId: message.runId,
        boundMs: message.boundMs,
        startedAt: at,
        counts: new Int32Array(message.counts),
        labels: [],
      });
    else if (message.type === 'label') {
      const check = this.running.get(message.check);
      if (check) check.labels[message.slot] = message.label;
    } else if (message.type === 'verdict') {
      const check = this.running.get(message.check);
      if (check) check.verdictAt = at;
    } else if (message.type === 'end') this.running.delete(message.check);
  }

  /** Called every few hundred ms; returns the stall, once, when there is one. */
  tick(): Stall | undefined {
    const at = this.now();
    const late = at - this.lastTick > 1000;
    this.lastTick = at;
    // this thread was itself held up (a busy laptop): the beats queued meanwhile are read first
    if (late) this.lastAlive = Math.max(this.lastAlive, at - this.limits.busyMs / 2);
    if (this.stalled || this.running.size === 0) return undefined;

    if (at - this.lastAlive > this.limits.busyMs) {
      const check = this.busiest();
      const calls = check ? this.calls(check) : [];
      const exited = check ? exitIn(check.counts, check.labels) : undefined;
      // a loop that retries a call which called process.exit() is held for the exit, not the loop
      if (exited) return this.stall(check, 'exit', this.limits.busyMs, calls, exited);
      const kind = (blamedCall(calls)?.pending ?? 0) >= FLOOD_PENDING ? 'flood' : 'busy';
      return this.stall(check, kind, this.limits.busyMs, calls);
    }
    for (const check of this.running.values()) {
      if (check.verdictAt === undefined && at - check.startedAt > check.boundMs + this.limits.graceMs)
        return this.stall(check, 'timeout', check.boundMs, this.calls(check));
      if (check.verdictAt !== undefined && at - check.verdictAt > this.limits.cleanupMs)
        return this.stall(check, 'timeout', this.limits.cleanupMs, this.calls(check));
    }
    return undefined;
  }

  /** The checks' thread died (out of memory): blame the check that was calling the learner's code most. */
  crashed(kind: 'memory', heapMb: number): Stall {
    const check = this.busiest();
    const calls = check ? this.calls(check) : [];
    this.stalled = true;
    return {
      check: check?.name,
      kind,
      message: stallMessage({ kind, lessonId: this.lessonId, boundMs: 0, calls, heapMb }),
    };
  }

  /** The checks that had started and not ended. */
  unfinished(): string[] {
    return [...this.running.keys()];
  }

  /** The run ids of those checks: their topics and groups are named with them. */
  unfinishedRuns(): string[] {
    return [...this.running.values()].map((check) => check.runId);
  }

  private stall(
    check: RunningCheck | undefined,
    kind: StallKind,
    boundMs: number,
    calls: CallCount[],
    exited?: { code: number; call: CallCount | undefined },
  ): Stall {
    this.stalled = true;
    return {
      check: check?.name,
      kind,
      message: stallMessage({
        kind,
        lessonId: this.lessonId,
        boundMs,
        calls,
        exitCode: exited && String(exited.code),
        call: exited?.call,
      }),
    };
  }

  private calls(check: RunningCheck): CallCount[] {
    return readCounts(check.counts, check.labels);
  }

  /** The running check whose learner calls are unfinished or most numerous: the one holding the thread. */
  private busiest(): RunningCheck | undefined {
    const score = (check: RunningCheck) => {
      const call = blamedCall(this.calls(check));
      return call ? call.pending * 1e9 + call.calls : -1;
    };
    return [...this.running.values()].sort((a, b) => score(b) - score(a))[0];
  }
}

/** Listens on the progress channel and ticks the watchdog until stopped. */
export function watchChecks(channelName: string, watchdog: CheckWatchdog, onStall: (stall: Stall) => void): () => void {
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = (event) => watchdog.handle((event as { data: ProgressMessage }).data);
  const timer = setInterval(() => {
    const stall = watchdog.tick();
    if (stall) onStall(stall);
  }, 250);
  return () => {
    clearInterval(timer);
    channel.close();
  };
}
