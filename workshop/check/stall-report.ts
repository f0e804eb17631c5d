import type { CallCount } from './learner-calls.ts';

/**
 * What the runner says when the learner's code does not let a check finish:
 * - `timeout`: a call has not returned within the check's time (the code waits for something)
 * - `busy`: the code held the check's thread without a pause, so not even the timeout could fire
 * - `flood`: the same, while starting calls that never finish (sends piling up, unawaited)
 * - `memory`: the code used up the memory the checks allow
 * - `exit`: the code called process.exit()
 * Each names the learner call and the most likely cause for that lesson.
 */
export type StallKind = 'timeout' | 'busy' | 'flood' | 'memory' | 'exit';

type Causes = Partial<Record<StallKind, string>>;

const GENERIC: Required<Causes> = {
  timeout: 'an await on something that never comes: a promise that is never resolved, or a loop that waits forever',
  busy: 'a loop that never waits for anything slow: while (true) without await, or a retry with no pause around a call that fails at once',
  flood: 'work started in a loop and never awaited piles up: await each call, or send a batch',
  memory: 'work started in a loop and never awaited piles up: await each call, or send a batch',
  exit: "a lesson's function should throw an Error and let its caller decide; process.exit() ends the check itself",
};

/** Whatever the lesson: a message handler of the learner's consumer, called by kafkajs. */
const HANDLER: Causes = {
  timeout:
    'a message handler that never returns: the consumer waits for it before it reads on, commits or leaves its group',
  busy: 'a message handler that loops without awaiting anything',
};

/** By lesson, then by the learner's function (a method's name without its class). */
const LIKELY: Record<string, Record<string, Causes>> = {
  'lesson-01': {
    send: {
      timeout: 'send() awaits something that never comes: is producer.connect() awaited before the first send?',
      memory: 'producer.send() called in a loop without await: every send waits in memory at once',
    },
  },
  'lesson-02': {
    ensureTopic: { timeout: 'admin.createTopics() on a topic that exists, retried forever? Check listTopics() first' },
  },
  'lesson-03': {
    start: {
      timeout:
        'start() awaits consumer.run() as if it ended; run() resolves once the consumer runs, and a handler that never returns blocks the group',
    },
    stop: { timeout: 'stop() waits for a message handler that never returns' },
  },
  'lesson-04': {
    start: { timeout: "start() awaits something that never comes: the detector's consumer.run() or its producer" },
  },
  'lesson-05': {
    replaySince: {
      timeout: 'replaySince() waits for messages that never come: stop once every partition has reached its end offset',
    },
  },
  'lesson-06': {
    start: { busy: 'a failing message retried at once, forever: give up after a few tries and dead-letter it' },
  },
  'lesson-07': {
    sendAll: {
      memory: 'every message sent at once without waiting: keep at most IN_FLIGHT batches in flight',
      busy: 'a loop that never awaits its sends',
    },
  },
  'lesson-08': {
    sendDurably: {
      busy: 'acks 0 never gets an answer, so every send "succeeds" at once and the loop never pauses; or a send that always rejects (a leftover throw), retried at once. Use acks: -1 and let errors reach the caller',
      timeout:
        'sendDurably() awaits something that never comes: return the result of await producer.send(…); kafkajs answers or fails within its retries, even with brokers down',
      memory: 'sends started in a loop without await pile up in memory: await each send',
    },
  },
};

const numberFormat = new Intl.NumberFormat('en-US');
const times = (n: number) => (n === 1 ? 'once' : `${numberFormat.format(n)} times`);

/** The call to blame: one that has not returned, else the most frequent one. */
export function blamedCall(calls: readonly CallCount[]): CallCount | undefined {
  const pending = calls.filter((call) => call.pending > 0);
  const byCalls = (a: CallCount, b: CallCount) => b.calls - a.calls;
  return [...pending].sort(byCalls)[0] ?? [...calls].sort(byCalls)[0];
}

export function likelyCause(lessonId: string, kind: StallKind, call: CallCount | undefined): string {
  const name = call?.label.replace(/^new /, '').replace(/\(\)$/, '').split('.').at(-1) ?? '';
  const causes = call?.label.startsWith('your each') ? HANDLER : LIKELY[lessonId]?.[name];
  return causes?.[kind] ?? (kind === 'flood' ? causes?.memory : undefined) ?? GENERIC[kind];
}

function callText(call: CallCount | undefined): string {
  if (!call) return 'before any of your functions was called: while loading your files?';
  if (call.pending === 0) return `in ${call.label}, called ${times(call.calls)}`;
  if (call.calls === 1) return `in ${call.label}, which has not returned`;
  return `in ${call.label}, called ${times(call.calls)}, ${numberFormat.format(call.pending)} of them not returned`;
}

export interface StallFacts {
  kind: StallKind;
  lessonId: string;
  /** The bound that was exceeded: the check's time, or how long the thread may be held. */
  boundMs: number;
  calls: readonly CallCount[];
  heapMb?: number;
  exitCode?: string;
  /** The call to name instead of the one blamedCall() picks (the call that exited). */
  call?: CallCount;
}

/** The first line says what happened and where; the second, the likely cause. */
export function stallMessage(facts: StallFacts): string {
  const call = facts.call ?? blamedCall(facts.calls);
  if (facts.kind === 'timeout' && call && call.pending === 0) {
    // every learner call had returned: the check itself was still waiting, for the broker or for what the code did
    return (
      `the check did not finish within ${facts.boundMs / 1000} s; your calls had returned (${call.label}, called ${times(call.calls)}), and the check waited for what they should have done.\n` +
      'Likely: something your code started never happened (a message not sent, an offset not committed, a consumer that never got going), or the broker is very slow right now: run the check again.'
    );
  }
  const where = callText(call);
  const bound = `${facts.boundMs / 1000} s`;
  const first = {
    timeout: `your code did not finish within ${bound} (${where})`,
    busy: `your code held the check's thread for ${bound} without a pause, so not even its timeout could fire (${where})`,
    flood: `your code kept starting calls without waiting for them, and held the check's thread for ${bound} (${where})`,
    memory: `your code used up the ${facts.heapMb ?? '?'} MB of memory the checks allow (${where})`,
    exit: `your code called process.exit(${facts.exitCode ?? ''}) (${where})`,
  }[facts.kind];
  const cause = likelyCause(facts.lessonId, facts.kind, call);
  return `${first}.\nLikely: ${cause}${/[.?!]$/.test(cause) ? '' : '.'}`;
}

/** vitest's stand-in for process.exit in a worker throws this; the code is in the quotes. */
export function processExitCode(message: string): string | undefined {
  return /process\.exit unexpectedly called with "([^"]*)"/.exec(message)?.[1];
}
