// Plain JavaScript on purpose: workshop/cli/launch.mjs loads this before any loader for .ts files.
//
// On Node 20, tsx loads TypeScript through module hooks that run in a thread of their own: every
// module a program imports, each of kafkajs's and vitest's included, is resolved and loaded by
// a message to that thread while the main thread waits for the answer. For `npm run check`
// that was about 0.4 s of a 2 s run. So a CLI is compiled once, with esbuild (the compiler tsx
// itself uses), into plain JavaScript in .workshop/compiled/, and started from there for as
// long as none of its source files changes. Packages are not copied in: they load from
// node_modules, as before.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = path.join(ROOT, '.workshop', 'compiled');
/**
 * Output that no manifest names any more, left from an earlier build, is removed after this: a
 * program started from that build (an `npm run watch` left open all day) may still import from it.
 */
const STALE_OUTPUT_MS = 24 * 60 * 60_000;

/**
 * @typedef {{ entries: Record<string, string>, outputs: string[], inputs: Record<string, [number, number]>, usable: boolean }} Manifest
 */

/**
 * The compiled form of `script` (a path such as workshop/cli/check.ts, from the project root),
 * compiled now when it is missing or older than any of its sources; undefined when the script
 * must run through tsx: it imports a module whose name is known only at run time (a lesson's
 * code, say), which only tsx can load, or it could not be compiled (tsx then reports why).
 * @param {string} script
 * @returns {Promise<string | undefined>} the compiled entry's file URL
 */
export async function compiledScript(script) {
  // workshop/cli/check.ts → workshop-cli-check: two programs of the same name never share a build
  return (await compiledModules(entryName(script), [script]))?.[script];
}

/**
 * The compiled forms of several modules (paths from the project root, with / between folders),
 * built together as `name`: a module that two of them import is one module, as it is for tsx.
 * Undefined when they must load through tsx, for the reasons compiledScript gives.
 * @param {string} name
 * @param {string[]} scripts
 * @returns {Promise<Record<string, string> | undefined>} each script's compiled file URL
 */
export async function compiledModules(name, scripts) {
  const manifestFile = path.join(OUT_DIR, `${name}.json`);
  let manifest = readManifest(manifestFile);
  if (!manifest || !upToDate(manifest, scripts))
    manifest = await compile(scripts, name, manifestFile).catch(() => undefined);
  if (!manifest?.usable) return undefined;
  return Object.fromEntries(
    Object.entries(manifest.entries).map(([script, output]) => [
      script,
      pathToFileURL(path.join(OUT_DIR, output)).href,
    ]),
  );
}

function entryName(script) {
  return script.replace(/\.[cm]?[jt]s$/, '').replace(/[\\/]/g, '-');
}

/** @returns {Manifest | undefined} */
function readManifest(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Up to date when it built these scripts, every source has the time and size it had when
 * compiled, and the build is all there: one stat per file.
 * @param {Manifest} manifest
 * @param {string[]} scripts
 */
function upToDate(manifest, scripts) {
  const built = Object.keys(manifest.entries ?? {});
  const sameScripts = built.length === scripts.length && scripts.every((script) => built.includes(script));
  const sourcesUnchanged = Object.entries(manifest.inputs).every(([file, [mtimeMs, size]]) => {
    const stat = fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false });
    return stat?.mtimeMs === mtimeMs && stat.size === size;
  });
  return sameScripts && sourcesUnchanged && manifest.outputs.every((file) => fs.existsSync(path.join(OUT_DIR, file)));
}

/** @returns {Promise<Manifest>} */
async function compile(scripts, name, manifestFile) {
  const { build } = await import('esbuild');
  const started = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(scripts.map((script) => [entryName(script), script])),
    outdir: OUT_DIR,
    // named by their content: a build never overwrites a file that another run may be reading
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // code imported only later (the check runner, Docker's client) is still loaded only when needed
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [keepOwnLocation],
  });
  /** @type {Record<string, string>} */
  const entries = {};
  // a module imported with import() is an entry point too, but not one of ours
  for (const [output, { entryPoint }] of Object.entries(result.metafile.outputs))
    if (entryPoint && scripts.includes(entryPoint))
      entries[entryPoint] = path.relative(OUT_DIR, path.join(ROOT, output));
  const missing = scripts.find((script) => !entries[script]);
  if (missing) throw new Error(`esbuild made no entry for ${missing}`);
  // esbuild writes every import of a known name as import("…"): anything else is a name made at run time
  const usable = !result.outputFiles.some((file) => file.path.endsWith('.mjs') && /\bimport\((?!")/.test(file.text));
  /** @type {Manifest} */
  const manifest = {
    entries,
    // a build that cannot be used is not written: only its manifest, which says so
    outputs: usable ? result.outputFiles.map((file) => path.relative(OUT_DIR, file.path)) : [],
    // this file and the compiler count as sources: a new way of compiling makes a new build
    inputs: Object.fromEntries(
      [
        ...Object.keys(result.metafile.inputs),
        path.relative(ROOT, fileURLToPath(import.meta.url)),
        esbuildPackage(),
      ].map((file) => {
        const stat = fs.statSync(path.join(ROOT, file));
        // changed while being compiled: the next run compiles again
        return [file, [stat.mtimeMs >= started ? 0 : stat.mtimeMs, stat.size]];
      }),
    ),
    usable,
  };
  fs.mkdirSync(OUT_DIR, { recursive: true });
  if (usable) for (const file of result.outputFiles) writeOnce(file.path, file.contents);
  writeAtomically(manifestFile, JSON.stringify(manifest));
  removeStaleOutputs();
  return manifest;
}

/**
 * Compiled code lives elsewhere, so each file's `import.meta.url` is written in as the source
 * file's own URL (the workshop finds its folders from it). The plain .mjs files are not copied
 * but imported from where they are: launch.mjs has loaded warm-thread.mjs already, and the
 * check runner must meet that same module, not a copy of it.
 * @type {import('esbuild').Plugin}
 */
const keepOwnLocation = {
  name: 'keep-own-location',
  setup(build) {
    build.onResolve({ filter: /\.mjs$/ }, (args) =>
      args.importer && !args.importer.includes(`${path.sep}node_modules${path.sep}`) && args.path.startsWith('.')
        ? { path: pathToFileURL(path.resolve(path.dirname(args.importer), args.path)).href, external: true }
        : undefined,
    );
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => ({
      contents: fs
        .readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

function esbuildPackage() {
  return path.relative(ROOT, fileURLToPath(import.meta.resolve('esbuild/package.json')));
}

/** A file named by its content is never rewritten, and appears whole or not at all. */
function writeOnce(file, contents) {
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeAtomically(file, contents);
}

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

/** Each change to a source makes new files; those of old builds go once no manifest names them. */
function removeStaleOutputs() {
  const named = new Set();
  for (const file of fs.readdirSync(OUT_DIR)) {
    if (file.endsWith('.json')) readManifest(path.join(OUT_DIR, file))?.outputs.forEach((output) => named.add(output));
  }
  const cutoff = Date.now() - STALE_OUTPUT_MS;
  for (const file of fs.readdirSync(OUT_DIR, { recursive: true })) {
    const full = path.join(OUT_DIR, String(file));
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (stat?.isFile() && !String(file).endsWith('.json') && !named.has(String(file)) && stat.mtimeMs < cutoff)
      fs.rmSync(full, { force: true });
  }
}
