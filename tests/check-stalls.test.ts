import { describe, expect, test } from 'vitest';
import type { ProgressMessage } from '../workshop/check/check-progress.ts';
import { CallTracker, exitIn, traceLearnerCalls } from '../workshop/check/learner-calls.ts';
import { processExitCode, stallMessage } from '../workshop/check/stall-report.ts';
import { CheckWatchdog } from '../workshop/check/watchdog.ts';

class Counter {
  #count = 0;
  async add(by: number): Promise<number> {
    this.#count += by;
    return this.#count;
  }
  get count(): number {
    return this.#count;
  }
}

describe('counting the learner calls', () => {
  test("functions and a class's methods are counted while pending; private fields still work", async () => {
    const tracker = new CallTracker();
    let release!: () => void;
    const lesson = traceLearnerCalls(
      {
        Counter,
        wait: () => new Promise<void>((resolve) => (release = resolve)),
        fails: () => {
          throw new Error('sync failure');
        },
        LIMIT: 3,
      },
      tracker,
    );
    const counter = new lesson.Counter();
    expect(counter).toBeInstanceOf(Counter);
    expect(await counter.add(2)).toBe(2);
    expect(counter.count).toBe(2);
    const waiting = lesson.wait();
    expect(() => lesson.fails()).toThrow('sync failure');
    expect(lesson.LIMIT).toBe(3);
    expect(tracker.snapshot()).toEqual([
      { label: 'new Counter()', calls: 1, pending: 0 },
      { label: 'Counter.add()', calls: 1, pending: 0 },
      { label: 'wait()', calls: 1, pending: 1 },
      { label: 'fails()', calls: 1, pending: 0 },
    ]);
    release();
    await waiting;
    expect(tracker.snapshot().find((c) => c.label === 'wait()')?.pending).toBe(0);
  });

  test('a call that reached process.exit() is remembered, even when a loop swallows the error', async () => {
    const tracker = new CallTracker();
    const lesson = traceLearnerCalls(
      {
        // what vitest's process.exit does inside a worker
        sendDurably: () => Promise.reject(new Error('process.exit unexpectedly called with "3"')),
      },
      tracker,
    );
    await lesson.sendDurably().catch(() => undefined);
    expect(exitIn(tracker.counts, tracker.labelsBySlot)).toEqual({
      code: 3,
      call: { label: 'sendDurably()', calls: 1, pending: 0 },
    });
    expect(processExitCode('process.exit unexpectedly called with "3"')).toBe('3');
  });
});

describe('what a stalled check says', () => {
  const sending = [{ label: 'sendDurably()', calls: 48_211, pending: 1 }];

  test("lesson 08's busy loop names the call and both likely causes", () => {
    const message = stallMessage({ kind: 'busy', lessonId: 'lesson-08', boundMs: 5000, calls: sending });
    expect(message).toMatch(/^your code held the check's thread for 5 s without a pause/);
    expect(message).toContain('in sendDurably(), called 48,211 times, 1 of them not returned');
    expect(message).toMatch(/acks 0 never gets an answer/);
    expect(message).toMatch(/a send that always rejects/);
  });

  test('a timeout names the call that has not returned; with none pending, says the check was waiting', () => {
    expect(
      stallMessage({
        kind: 'timeout',
        lessonId: 'lesson-03',
        boundMs: 10_000,
        calls: [{ label: 'TransactionConsumer.start()', calls: 1, pending: 1 }],
      }),
    ).toMatch(
      /^your code did not finish within 10 s \(in TransactionConsumer\.start\(\), which has not returned\)\.\nLikely: start\(\) awaits consumer\.run\(\)/,
    );
    expect(
      stallMessage({
        kind: 'timeout',
        lessonId: 'lesson-07',
        boundMs: 10_000,
        calls: [{ label: 'new FastSender()', calls: 1, pending: 0 }],
      }),
    ).toMatch(/^the check did not finish within 10 s; your calls had returned/);
  });

  test('memory and exit say what happened, with a cause for any lesson', () => {
    expect(stallMessage({ kind: 'memory', lessonId: 'lesson-99', boundMs: 0, calls: [], heapMb: 512 })).toMatch(
      /^your code used up the 512 MB of memory the checks allow \(before any of your functions was called.*\nLikely: work started in a loop and never awaited/,
    );
    expect(stallMessage({ kind: 'exit', lessonId: 'lesson-01', boundMs: 0, calls: sending, exitCode: '1' })).toMatch(
      /^your code called process\.exit\(1\) \(in sendDurably\(\).*\nLikely: a lesson's function should throw an Error/,
    );
  });
});

describe('the watchdog on the main thread', () => {
  function clock() {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  }
  const limits = { busyMs: 5000, graceMs: 10_000, cleanupMs: 30_000 };

  function started(tracker = new CallTracker()) {
    const time = clock();
    const dog = new CheckWatchdog('lesson-08', time.now, limits);
    const labels: ProgressMessage[] = [];
    const withLabels = new CallTracker(tracker.buffer, (slot, label) =>
      labels.push({ type: 'label', check: 'stream', slot, label }),
    );
    dog.handle({ type: 'start', check: 'stream', runId: 'a1b2c3d4', boundMs: 90_000, counts: withLabels.buffer });
    /** Time passes in steps, as the main thread's timer ticks. */
    const pass = (ms: number, alive: boolean) => {
      for (let t = 0; t < ms; t += 250) {
        time.advance(250);
        if (alive) dog.handle({ type: 'alive' });
        labels.splice(0).forEach((m) => dog.handle(m));
        const stall = dog.tick();
        if (stall) return stall;
      }
      return undefined;
    };
    return { dog, tracker: withLabels, pass };
  }

  test('a thread that stops beating while a check runs is reported once, as a busy loop in the call it was in', () => {
    const { tracker, pass } = started();
    for (let i = 0; i < 100; i++)
      void tracker.track('sendDurably()', () => Promise.reject(new Error('no')).catch(() => 1));
    expect(pass(20_000, true)).toBeUndefined();
    const stall = pass(6000, false);
    expect(stall).toMatchObject({ check: 'stream', kind: 'busy' });
    expect(stall?.message).toMatch(/for 5 s without a pause, .*\(in sendDurably\(\), called 100 times/);
    expect(pass(6000, false)).toBeUndefined();
  });

  test('calls started by the thousand and never finished are a flood', () => {
    const { tracker, pass } = started();
    for (let i = 0; i < 2000; i++) void tracker.track('sendDurably()', () => new Promise(() => undefined));
    expect(pass(6000, false)?.kind).toBe('flood');
  });

  test('a late tick of the main thread itself is not taken for a silent worker', () => {
    const time = clock();
    const dog = new CheckWatchdog('lesson-01', time.now, limits);
    dog.handle({ type: 'start', check: 'send', runId: 'e5f6a7b8', boundMs: 10_000, counts: new CallTracker().buffer });
    time.advance(8000); // this thread was held up: the beats are queued behind the tick
    expect(dog.tick()).toBeUndefined();
  });

  test('a check that overruns its bound by the grace, though beating, is reported as a timeout; an ended one never', () => {
    const { dog, pass } = started();
    expect(pass(90_000 + 9000, true)).toBeUndefined();
    expect(pass(2000, true)).toMatchObject({ kind: 'timeout' });
    const quiet = started();
    quiet.dog.handle({ type: 'end', check: 'stream' });
    expect(quiet.pass(200_000, false)).toBeUndefined();
    expect(dog.unfinished()).toEqual(['stream']);
    // the runner removes the topics and groups of the run that did not end, and only those
    expect(dog.unfinishedRuns()).toEqual(['a1b2c3d4']);
    expect(quiet.dog.unfinishedRuns()).toEqual([]);
  });

  test('a call that exited, retried in a loop, is reported as the exit', () => {
    const { tracker, pass } = started();
    void tracker
      .track('sendDurably()', () => Promise.reject(new Error('process.exit unexpectedly called with "2"')))
      .catch(() => undefined);
    return Promise.resolve().then(() => {
      const stall = pass(6000, false);
      expect(stall?.kind).toBe('exit');
      expect(stall?.message).toMatch(/^your code called process\.exit\(2\) \(in sendDurably\(\)/);
    });
  });
});
