// Plain JavaScript on purpose: `npm run check` loads this before vitest and before the .ts
// loader (workshop/cli/launch.mjs), so that the thread the checks run in can start loading
// on the second core while the main thread is still loading vitest.
//
// A check thread spends its first few hundred milliseconds loading vitest's runtime, kafkajs
// and faker. A warm thread has done that before it is needed: started early, it waits until
// the check pool adopts it (workshop/check/guarded-pool.ts), takes the environment vitest
// gives a new thread, and only then loads vitest's own thread entry, as a new thread would.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** The learner's code runs with this heap: flooding memory ends the thread, not the process. */
export const CHECK_HEAP_MB = 512;

const THREAD_MAIN = new URL('./warm-thread-main.mjs', import.meta.url);

/** @type {{ thread: Worker, execArgv: string[], heapMb: number, failed: boolean } | undefined} */
let waiting;
let adopted = 0;

/** How many warm threads check runs of this process have adopted (a test proves the head start is taken). */
export function warmThreadsAdopted() {
  return adopted;
}

/**
 * What vitest starts each of the checks' threads with: see resolveOptions and resolveConditions
 * in vitest's pool, and vite's default conditions for a server-side test run. Should a new
 * vitest start them otherwise, the warm thread is not adopted, and the checks only lose the head start.
 */
function vitestThreadArgs() {
  const vitestDir = path.dirname(createRequire(import.meta.url).resolve('vitest/package.json'));
  return [
    ...process.execArgv.filter((arg) => /^--(cpu-prof|heap-prof|diagnostic-dir)/.test(arg)),
    '--experimental-import-meta-resolve',
    '--require',
    path.join(vitestDir, 'suppress-warnings.cjs'),
    '--conditions',
    'node',
    '--conditions',
    'development',
  ];
}

/** Starts a thread for the next check run to adopt, unless one is waiting already. */
export function startWarmThread(heapMb = CHECK_HEAP_MB) {
  if (waiting) return;
  const execArgv = vitestThreadArgs();
  const thread = new Worker(THREAD_MAIN, {
    execArgv,
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
  const warm = { thread, execArgv, heapMb, failed: false };
  // a thread nobody adopted must not keep the program alive, nor crash it
  thread.unref();
  thread.on('error', () => (warm.failed = true));
  thread.once('exit', () => (warm.failed = true));
  waiting = warm;
}

/**
 * The waiting thread, ready to run vitest's thread entry `entry` with `env`, when it was
 * started the way vitest would start this one; otherwise undefined (it is ended), and the
 * caller starts a thread of its own.
 * @param {{ entry: string, env: Record<string, string | undefined>, execArgv: string[], heapMb: number }} wanted
 * @returns {Promise<Worker | undefined>}
 */
export async function adoptWarmThread(wanted) {
  const warm = waiting;
  waiting = undefined;
  if (!warm) return undefined;
  const same = !warm.failed && warm.heapMb === wanted.heapMb && warm.execArgv.join('\0') === wanted.execArgv.join('\0');
  if (!same) {
    void warm.thread.terminate();
    return undefined;
  }
  const { thread } = warm;
  const ready = new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.warmThread !== 'ready') return;
      done(thread);
    };
    const onGone = () => done(undefined);
    const done = (result) => {
      thread.off('message', onMessage);
      thread.off('exit', onGone);
      resolve(result);
    };
    thread.on('message', onMessage);
    thread.once('exit', onGone);
  });
  thread.ref();
  adopted += 1;
  thread.postMessage({ warmThread: 'adopt', entry: wanted.entry, env: wanted.env });
  return ready;
}
