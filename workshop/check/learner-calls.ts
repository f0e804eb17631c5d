/**
 * Which of the learner's functions a check has called, how often, and which have not returned.
 * The counts live in shared memory, so that the runner's main thread can read them even while
 * the learner's code holds the check's thread in a loop that never lets anything else run.
 */
const MAX_LABELS = 64;
/** After the counts: 1 + the code the learner's code passed to process.exit() (0 while it has not), then 1 + its label's slot. */
const EXIT_SLOT = MAX_LABELS * 2;

export interface CallCount {
  label: string;
  calls: number;
  pending: number;
}

export class CallTracker {
  /** Per label: [calls, pending]. */
  readonly counts: Int32Array;
  private readonly labels: string[] = [];

  constructor(
    buffer: SharedArrayBuffer = new SharedArrayBuffer((EXIT_SLOT + 2) * Int32Array.BYTES_PER_ELEMENT),
    /** Told of each label the first time it is called, so the main thread can name the slot. */
    private readonly onNewLabel: (slot: number, label: string) => void = () => undefined,
  ) {
    this.counts = new Int32Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.counts.buffer as SharedArrayBuffer;
  }

  private slot(label: string): number {
    let slot = this.labels.indexOf(label);
    if (slot === -1 && this.labels.length < MAX_LABELS) {
      slot = this.labels.push(label) - 1;
      this.onNewLabel(slot, label);
    }
    return slot;
  }

  /** Calls `body`, counting the call as pending until it returns, or until the promise it returns settles. */
  track<T>(label: string, body: () => T): T {
    const slot = this.slot(label);
    if (slot === -1) return body();
    Atomics.add(this.counts, slot * 2, 1);
    Atomics.add(this.counts, slot * 2 + 1, 1);
    const done = () => void Atomics.sub(this.counts, slot * 2 + 1, 1);
    const failed = (error: unknown) => {
      done();
      // vitest's process.exit in a worker throws; a loop that catches it would hide it for good
      const code = /process\.exit unexpectedly called with "(\d*)"/.exec(
        error instanceof Error ? error.message : '',
      )?.[1];
      if (code === undefined) return;
      Atomics.store(this.counts, EXIT_SLOT, 1 + Number(code || 0));
      Atomics.store(this.counts, EXIT_SLOT + 1, 1 + slot);
    };
    let result: T;
    try {
      result = body();
    } catch (error) {
      failed(error);
      throw error;
    }
    if (isThenable(result)) result.then(done, failed);
    else done();
    return result;
  }

  snapshot(): CallCount[] {
    return readCounts(this.counts, this.labels);
  }

  get labelsBySlot(): readonly string[] {
    return this.labels;
  }
}

/** The code the learner's code passed to process.exit(), and in which call, when it called it. */
export function exitIn(
  counts: Int32Array,
  labels: readonly (string | undefined)[],
): { code: number; call: CallCount | undefined } | undefined {
  const stored = Atomics.load(counts, EXIT_SLOT);
  if (stored === 0) return undefined;
  const slot = Atomics.load(counts, EXIT_SLOT + 1) - 1;
  return { code: stored - 1, call: readCounts(counts, labels).find((call) => call.label === labels[slot]) };
}

export function readCounts(counts: Int32Array, labels: readonly (string | undefined)[]): CallCount[] {
  return labels.flatMap((label, slot) =>
    label === undefined
      ? []
      : [{ label, calls: Atomics.load(counts, slot * 2), pending: Atomics.load(counts, slot * 2 + 1) }],
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

const isClass = (value: unknown): value is new (...args: unknown[]) => object =>
  typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));

/**
 * The lesson's exports with every function call counted: plain functions as `name()`, a
 * class's methods as `Name.method()`. Instances are wrapped so that their methods still run
 * with the real object as `this` (private #fields work as usual).
 */
export function traceLearnerCalls<M extends object>(lesson: M, tracker: CallTracker): M {
  const traced: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(lesson)) {
    if (isClass(value)) traced[name] = traceClass(name, value, tracker);
    else if (typeof value === 'function')
      traced[name] = (...args: unknown[]) =>
        tracker.track(`${name}()`, () => (value as (...a: unknown[]) => unknown)(...args));
    else traced[name] = value;
  }
  return traced as M;
}

function traceClass(name: string, cls: new (...args: unknown[]) => object, tracker: CallTracker): unknown {
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      const instance = tracker.track(`new ${name}()`, () => Reflect.construct(target, args, newTarget) as object);
      return new Proxy(instance, {
        get(object, property) {
          const value: unknown = Reflect.get(object, property);
          if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
          return (...callArgs: unknown[]) =>
            tracker.track(`${name}.${property}()`, () =>
              (value as (...a: unknown[]) => unknown).apply(object, callArgs),
            );
        },
      });
    },
  });
}
