// Starts a TypeScript CLI of the workshop. Loading vitest through tsx's module hooks takes
// about a second longer than loading it natively, and the check loop should feel instant,
// so vitest is imported first, natively. The CLI itself then runs compiled to plain JavaScript
// (compiled.mjs says why), or through tsx when it cannot be.
// The CLIs load the check runner (and so vitest) only once they have read their options.
const [script, ...rest] = process.argv.slice(2);
// --help needs no vitest (a look at the words, not a reading of them: the program reads them)
const helpOnly = rest.includes('--help') || rest.includes('-h');
if (process.env.WORKSHOP_PRELOAD !== 'none' && !helpOnly) {
  // the thread the checks will run in starts loading on the other core meanwhile
  (await import('../check/warm-thread.mjs')).startWarmThread();
  await import('vitest/node');
}
process.argv = [process.argv[0], script, ...rest];
const compiled = await (await import('./compiled.mjs')).compiledScript(script);
if (compiled) {
  // WORKSHOP_DEBUG's stack traces then name the .ts files and lines, not the compiled ones
  if (process.env.WORKSHOP_DEBUG) process.setSourceMapsEnabled(true);
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL(`../../${script}`, import.meta.url).href);
}
