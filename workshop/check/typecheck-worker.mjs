// Plain JavaScript on purpose: it runs in a worker thread of its own, beside the checks, and
// a worker does not inherit the .ts loader of the thread that started it.
//
// Type-checks a lesson's files with the TypeScript compiler API, over those files and what
// they import only, never the whole project. It answers one request at a time and keeps what
// it parsed: asked again (npm run watch), it parses only the files that changed since.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import ts from 'typescript';

const { projectRoot } = workerData;
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
const host = ts.createCompilerHost(options, true);
const readSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
  const text = ts.sys.readFile(fileName);
  if (text === undefined) return readSourceFile(fileName, languageVersion, onError, shouldCreate);
  const known = parsedFiles.get(fileName);
  if (known && known.text === text) return known;
  const sourceFile = ts.createSourceFile(fileName, text, languageVersion, true);
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
  try {
    parentPort.postMessage({ id, ...check(roots.filter((root) => fs.existsSync(root))) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
