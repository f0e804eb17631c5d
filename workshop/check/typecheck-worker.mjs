// Plain JavaScript on purpose: it runs in a worker thread of its own, beside the checks, and
// a worker does not inherit the .ts loader of the thread that started it.
//
// Type-checks a lesson's files with the TypeScript compiler API, over those files and what
// they import only, never the whole project. It answers one request at a time and keeps what
// it parsed: asked again (npm run watch), it parses only the files that changed since.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';

const { projectRoot } = workerData;
const compiler = loadTypeScript();
const ts = compiler.ts;
const configFile = path.join(projectRoot, 'tsconfig.json');
const parsed = ts.getParsedCommandLineOfConfigFile(
  configFile,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  },
);
// the project's own settings, but only the JavaScript library: lesson code never uses the
// DOM, whose types are half of everything the compiler would parse
const options = { ...(parsed?.options ?? {}), lib: ['lib.es2022.d.ts'], noEmit: true, incremental: false };

/** Parsed files by name, kept while their text stays the same: the standard library and @types/node never change. */
const parsedFiles = new Map();
const host = ts.createCompilerHost(options);
// what tsc itself does: the comments' JSDoc is read only where it can hold types (JavaScript
// files). @types/node is mostly documentation, and reading it all was a fifth of a type check
host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
const readSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
  const text = ts.sys.readFile(fileName);
  if (text === undefined) return readSourceFile(fileName, languageVersion, onError, shouldCreate);
  const known = parsedFiles.get(fileName);
  if (known && known.text === text) return known;
  const settings = typeof languageVersion === 'object' ? languageVersion : { languageVersion };
  const sourceFile = ts.createSourceFile(fileName, text, { ...settings, jsDocParsingMode: host.jsDocParsingMode });
  parsedFiles.set(fileName, sourceFile);
  return sourceFile;
};

let previous;

function check(roots) {
  const program = ts.createProgram({ rootNames: roots, options, host, oldProgram: previous });
  previous = program;
  const diagnostics = roots.flatMap((root) => {
    const sourceFile = program.getSourceFile(root);
    if (!sourceFile) return [];
    return [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
  });
  const projectFiles = program
    .getSourceFiles()
    .map((file) => file.fileName)
    .filter((file) => !file.includes('/node_modules/'))
    .map((file) => path.relative(projectRoot, file).split(path.sep).join('/'));
  return { diagnostics: diagnostics.map(describe), files: projectFiles };
}

/** "lessons/03-consumer-groups/consumer.ts:42:7 TS18048: 'meta' is possibly 'undefined'." */
function describe(diagnostic) {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${text}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const file = path.relative(projectRoot, diagnostic.file.fileName).split(path.sep).join('/');
  return `${file}:${line + 1}:${character + 1} TS${diagnostic.code}: ${text}`;
}

parentPort.on('message', ({ id, roots }) => {
  let answer;
  try {
    answer = { id, ...check(roots.filter((root) => fs.existsSync(root))) };
  } catch (error) {
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  // after the first check, when V8 has compiled what a check uses, not only the file's outline;
  // before the answer, which may end this thread
  compiler.saveCodeCache();
  parentPort.postMessage(answer);
});

/**
 * TypeScript's compiler is one 9 MB file of CommonJS. `import ts from 'typescript'` would have
 * Node scan all of it for the names it exports before running it (0.6 s of a 2.7 s type check
 * here), and V8 compiles it anew in every process (0.3 s more). So it is run as require() runs
 * it, with V8's code cache for it kept in .workshop/: V8 checks that the cache was made from
 * this very text by this very V8, and else ignores it, and a new one is written.
 */
function loadTypeScript() {
  const require = createRequire(import.meta.url);
  const file = require.resolve('typescript');
  const { version } = require('typescript/package.json');
  const cacheFile = path.join(
    projectRoot,
    '.workshop',
    'code-cache',
    `typescript-${version}-node-${process.version}-${process.arch}.bin`,
  );
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // the first type check on this machine makes it
  }
  try {
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
    const module = { exports: {} };
    script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
    let saved = cachedData !== undefined && !script.cachedDataRejected;
    const saveCodeCache = () => {
      if (saved) return;
      saved = true;
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, cacheFile);
      } catch {
        // without a cache the next type check only takes longer
      }
    };
    return { ts: module.exports, saveCodeCache };
  } catch {
    return { ts: require('typescript'), saveCodeCache: () => undefined };
  }
}
