// Plain JavaScript on purpose: the launchers load it before any loader for .ts files, and a
// compiled program (workshop/cli/compiled.mjs) imports it from where it is, not bundled, so
// every part of a process meets this one module and tsx is registered once.
//
// The live programs run compiled, their packages loaded by Node itself. The learner's lesson
// files are TypeScript that changes while the workshop runs, so they are loaded through tsx,
// which is registered only then: the modules loaded before (kafkajs, faker, the program's own)
// never pay for tsx's module hooks.
/** @type {Promise<void> | undefined} */
let registered;

/** Registers tsx's loader for .ts files in this process, once however often it is called. */
export function registerTypeScript() {
  registered ??= import('tsx/esm/api').then(({ register }) => void register());
  return registered;
}

/**
 * Imports a TypeScript module by its file URL; the first call registers tsx for this process.
 * @param {string} url
 * @returns {Promise<unknown>}
 */
export async function importTypeScript(url) {
  await registerTypeScript();
  return import(url);
}
