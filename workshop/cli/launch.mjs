// Starts a TypeScript program of the workshop: `node workshop/cli/launch.mjs <script> [args]`.
// The program runs compiled to plain JavaScript (compiled.mjs says why), or through tsx when it
// cannot be compiled. The live programs in demo/ run compiled too: the learner's TypeScript
// they load while they run goes through tsx, registered then (platform/typescript-import.mjs).
import { existsSync } from 'node:fs';

const [script, ...rest] = process.argv.slice(2);

/** The programs that run checks, in a worker thread that can start loading at once. */
const RUNS_CHECKS = new Set(['workshop/cli/check.ts', 'workshop/cli/watch.ts']);
// --help needs no checks (a look at the words, not a reading of them: the program reads them)
const helpOnly = rest.includes('--help') || rest.includes('-h');
// with a check server running (check/check-server.ts), the checks will most likely run there
const served =
  script === 'workshop/cli/check.ts' &&
  process.env.WORKSHOP_CHECK_SERVER !== 'off' &&
  existsSync(new URL('../../.workshop/check-server.json', import.meta.url));
const preload = RUNS_CHECKS.has(script) && process.env.WORKSHOP_PRELOAD !== 'none' && !helpOnly && !served;
// the thread the checks will run in starts loading on the other core meanwhile
if (preload) (await import('../check/warm-thread.mjs')).startWarmThread();
process.argv = [process.argv[0], script, ...rest];
const compiled = await (await import('./compiled.mjs')).compiledScript(script);
if (compiled) {
  // named by its content: a check server serves only clients of its own build (check/check-server.ts)
  globalThis[Symbol.for('kafka-workshop.compiled-entry')] = compiled;
  // WORKSHOP_DEBUG's stack traces then name the .ts files and lines, not the compiled ones
  if (process.env.WORKSHOP_DEBUG) process.setSourceMapsEnabled(true);
  await import(compiled);
} else {
  // through tsx's module hooks vitest loads a second slower: it is loaded natively first
  if (preload) await import('vitest/node');
  await (await import('../platform/typescript-import.mjs')).registerTypeScript();
  await import(new URL(`../../${script}`, import.meta.url).href);
}
