// Plain JavaScript on purpose: the launchers load it before any loader for .ts files, and a
// compiled program (workshop/cli/compiled.mjs) imports it from where it is, not bundled, so
// every part of a process meets this one module and tsx is registered once.
//
// The live programs run compiled, their packages loaded by Node itself. The learner's lesson
// files are TypeScript that changes while the workshop runs: they are compiled when they change
// (importTypeScript), or loaded through tsx, which is registered only then: the modules loaded
// before (kafkajs, faker, the program's own) never pay for tsx's module hooks.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {Promise<void> | undefined} */
let registered;

/** Registers tsx's loader for .ts files in this process, once however often it is called. */
export function registerTypeScript() {
  registered ??= import('tsx/esm/api').then(({ register }) => void register());
  return registered;
}

/**
 * Imports a TypeScript module by its file URL. With `buildWith`, the module is compiled with
 * esbuild (workshop/cli/compiled.mjs) in one build with the other modules named there, so that
 * a module two of them import is one module, as it is for tsx, and compiled again only after an
 * edit: tsx's module hooks run in a thread of their own, which cost each program ~0.2 CPU-seconds
 * to start. Without it, or when the build fails (a file still being typed), tsx loads the module
 * and reports any mistake; the first such call registers tsx for this process.
 * @param {string} url
 * @param {{ name: string, files: string[] }} [buildWith] a name for the build, and its modules' paths
 * @returns {Promise<unknown>}
 */
export async function importTypeScript(url, buildWith) {
  const compiled = buildWith && (await compiledForm(url, buildWith));
  if (compiled) {
    // a todo()'s location is read from the stack: it must name the source file and line
    process.setSourceMapsEnabled(true);
    return import(compiled);
  }
  await registerTypeScript();
  return import(url);
}

/** @param {string} url @param {{ name: string, files: string[] }} buildWith */
async function compiledForm(url, { name, files }) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const fromRoot = (/** @type {string} */ file) => path.relative(root, file).split(path.sep).join('/');
  const { compiledModules } = await import('../cli/compiled.mjs');
  return (await compiledModules(name, files.map(fromRoot)))?.[fromRoot(fileURLToPath(url))];
}
