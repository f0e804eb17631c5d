import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { expect, test } from 'vitest';
import { listLessons } from '../workshop/lessons.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

/**
 * A live program (npm run simulator, monitor, …) runs compiled, with the project modules it
 * imports built in; the learner's lesson files it loads import theirs again, through tsx. So a
 * module that both import exists twice in that program, and state kept in one copy is not seen
 * by the other (bank/wire-format.ts keeps its one map on globalThis for this reason). This test
 * finds those modules, what the lesson files import, and holds them to having no module-level
 * state, but for the cases named here.
 */
const STATE_ALLOWED: Record<string, string> = {
  'workshop/todo.ts': 'its listeners are the checks’, and the checks never run compiled',
  'workshop/kafka/codecs.ts':
    'each copy loads the zstd codec once for itself; registering it with kafkajs twice is harmless',
};

/** A `let`, or a Map or Set made at the top of a module: state that lives as long as the module. */
const MODULE_STATE = /^(?:export )?(?:let |var |const \w+(?:: [^=]+)? = new (?:Map|Set|WeakMap|WeakSet)\b)/m;

test('the project modules that lesson files import keep no state of their own', async () => {
  const entryPoints = listLessons().flatMap((lesson) =>
    ['lessonDir', 'solutionDir'].flatMap((dir) =>
      lesson.files.map((file) => path.join(lesson[dir as 'lessonDir' | 'solutionDir'], file)),
    ),
  );
  const { metafile } = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints,
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    outdir: 'unused',
    logLevel: 'silent',
  });
  const shared = Object.keys(metafile.inputs).filter((file) => !/^(lessons|solutions)\//.test(file));
  expect(shared).toContain('bank/codec.ts');
  const withState = shared.filter(
    (file) => !(file in STATE_ALLOWED) && MODULE_STATE.test(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')),
  );
  expect(withState, 'module-level state in a module that a live program and the lesson code both load').toEqual([]);
  // an allowance for a module the lessons no longer import is left over
  expect(Object.keys(STATE_ALLOWED).filter((file) => !shared.includes(file))).toEqual([]);
});
