import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, WorkerRequest } from 'vitest/node';
import { within } from '../wait.ts';
import { adoptWarmThread, CHECK_HEAP_MB } from './warm-thread.mjs';

/**
 * vitest's threads pool, with two guards for `npm run check`: the learner's code runs in a
 * worker thread with a heap limit, so flooding memory ends that thread with an error instead of
 * the whole process with "FATAL ERROR: … JavaScript heap out of memory"; and the runner can end
 * the thread (stopCheckThreads) when the learner's code holds it and will not let go.
 *
 * The checks' threads, each with its answer to vitest's "start": a thread ended before it answered
 * would leave vitest waiting a minute for that answer (its START_TIMEOUT), with the check server busy all along.
 */
const threads = new Map<Worker, Promise<void>>();
/** Threads stopCheckThreads() ended: their exit is expected, whatever vitest was doing at that moment. */
const endedOnPurpose = new WeakSet<Worker>();
/** Emits 'out-of-memory' when a checks' thread ran out of its heap, and 'thread' when one is made. */
export const checkThreadEvents = new EventEmitter();

/** A thread answers in well under a second; one loading on a very busy machine, in a few. */
const START_ANSWER_BOUND_MS = 10_000;

/** Ends every checks' thread at once (one still starting, as soon as it has started); vitest then reports its run as ended. */
export async function stopCheckThreads(): Promise<void> {
  for (const thread of threads.keys()) endedOnPurpose.add(thread);
  await Promise.all(
    [...threads].map(async ([thread, answeredStart]) => {
      // a thread that never answers is ended all the same
      await within(answeredStart, START_ANSWER_BOUND_MS, 'no answer').catch(() => undefined);
      await thread.terminate();
    }),
  );
}

function whenStartAnswered(thread: Worker): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== 'started') return;
      thread.off('message', onMessage);
      resolve();
    };
    thread.on('message', onMessage);
    thread.once('exit', () => resolve());
  });
}

class GuardedThreadsWorker implements PoolWorker {
  // the worker runtime is vitest's own threads worker, which must hear its own pool's name
  readonly name = 'threads';
  private thread: Worker | undefined;
  private readonly exitListeners = new Map<(arg: unknown) => void, (arg: unknown) => void>();

  constructor(
    private readonly options: PoolOptions,
    private readonly heapMb: number,
  ) {}

  on(event: string, callback: (arg: unknown) => void): void {
    if (event !== 'exit') return void this.current.on(event, callback);
    // vitest turns a thread's exit into an 'error' event, which throws when no test file is running
    // on that thread at the moment (it waits between files): a thread ended on purpose must not
    // take the whole run down with "Worker exited unexpectedly" and a stack trace
    const thread = this.current;
    const guarded = (arg: unknown) => {
      try {
        callback(arg);
      } catch (error) {
        if (!endedOnPurpose.has(thread)) throw error;
      }
    };
    this.exitListeners.set(callback, guarded);
    thread.on(event, guarded);
  }

  off(event: string, callback: (arg: unknown) => void): void {
    const listener = (event === 'exit' && this.exitListeners.get(callback)) || callback;
    this.exitListeners.delete(callback);
    this.current.off(event, listener);
  }

  send(message: WorkerRequest): void {
    this.current.postMessage(message);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.thread) return;
    const entry = path.resolve(this.options.distPath, 'workers/threads.js');
    const { env, execArgv } = this.options;
    // a thread started early (npm run check, npm run watch) has loaded the runtime already
    const thread =
      (await adoptWarmThread({ entry: pathToFileURL(entry).href, env, execArgv, heapMb: this.heapMb })) ??
      new Worker(entry, {
        env,
        execArgv,
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
      });
    thread.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') checkThreadEvents.emit('out-of-memory', this.heapMb);
    });
    thread.once('exit', () => threads.delete(thread));
    const { logger } = this.options.project.vitest;
    thread.stdout.pipe(logger.outputStream, { end: false });
    thread.stderr.pipe(logger.errorStream, { end: false });
    threads.set(thread, whenStartAnswered(thread));
    this.thread = thread;
    checkThreadEvents.emit('thread');
  }

  async stop(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    if (!thread) return;
    await thread.terminate();
    threads.delete(thread);
  }

  private get current(): Worker {
    if (!this.thread) throw new Error('the checks thread is not running');
    return this.thread;
  }
}

export function guardedThreads(heapMb = CHECK_HEAP_MB): PoolRunnerInitializer {
  return { name: 'guarded-threads', createPoolWorker: (options) => new GuardedThreadsWorker(options, heapMb) };
}
