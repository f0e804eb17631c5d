// Plain JavaScript on purpose: a compiled program (workshop/cli/compiled.mjs) imports this from
// where it is, not bundled, and it is what makes the .ts loader available to that program.
//
// The live programs run compiled, their packages loaded by Node itself. The learner's lesson
// files are TypeScript that changes while the workshop runs, so they are loaded through tsx,
// which is registered only then: the modules loaded before (kafkajs, faker, the program's own)
// never pay for tsx's module hooks.
/** @type {Promise<void> | undefined} */
let registered;

/**
 * Imports a TypeScript module by its file URL; the first call registers tsx for this process.
 * @param {string} url
 * @returns {Promise<unknown>}
 */
export async function importTypeScript(url) {
  registered ??= import('tsx/esm/api').then(({ register }) => void register());
  await registered;
  return import(url);
}
