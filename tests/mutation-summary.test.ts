import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { PROJECT_ROOT } from '../workshop/paths.ts';
import {
  describeSurvivor,
  originalCode,
  readEquivalents,
  score,
  summarize,
  summaryTable,
  type MutantOutcome,
} from '../workshop/mutation/summary.ts';

const source = [
  'export function keyFor(tx) {',
  '  return String(tx.account);',
  '}',
  'const settings = { idempotent: true };',
].join('\n');
const FILE = 'solutions/99-sample/keys.ts';
const at = (line: number, column: number, endColumn: number, endLine = line) => ({
  start: { line, column },
  end: { line: endLine, column: endColumn },
});
const mutant = (status: string, mutatorName: string, location: MutantOutcome['location'], replacement: string) => ({
  fileName: `/anywhere/${FILE}`,
  mutatorName,
  location,
  replacement,
  status,
});

test('the original code is cut from the file with 1-based lines and columns, over several lines too', () => {
  expect(originalCode(mutant('Survived', 'StringLiteral', at(2, 10, 28), '""'), source)).toBe('String(tx.account)');
  expect(originalCode(mutant('Survived', 'BlockStatement', at(1, 28, 2, 3), '{}'), source)).toBe(
    '{\n  return String(tx.account);\n}',
  );
});

test('mutants are killed, reviewed as equivalent, invalid or surviving; the score leaves out what no check can kill', () => {
  const summary = summarize(
    'lesson-99',
    [
      mutant('Killed', 'BlockStatement', at(1, 28, 2, 3), '{}'),
      mutant('Timeout', 'ArrowFunction', at(2, 3, 28), '() => undefined'),
      mutant('Survived', 'BooleanLiteral', at(4, 32, 36), 'false'),
      mutant('NoCoverage', 'StringLiteral', at(2, 10, 28), '""'),
      mutant('CompileError', 'ObjectLiteral', at(4, 18, 38), '{}'),
    ],
    [{ file: FILE, mutator: 'BooleanLiteral', original: 'true', replacement: 'false', reason: 'the default' }],
    2.5,
    () => source,
    '/anywhere',
  );
  expect(summary).toMatchObject({ mutants: 5, killed: 2, equivalent: 1, invalid: 1, minutes: 2.5 });
  expect(summary.survivors.map(describeSurvivor)).toEqual([
    'solutions/99-sample/keys.ts:2 StringLiteral (NoCoverage): `String(tx.account)` → `""`',
  ]);
  expect(score(summary)).toBeCloseTo(2 / 3);
  expect(summaryTable([summary])).toContain('| lesson-99 | 5 | 2 | 1 | 1 | 66.7% | 2.5 |');
});

test('an equivalent entry matches only the same file, mutator, original code and replacement', () => {
  const survived = [mutant('Survived', 'BooleanLiteral', at(4, 32, 36), 'false')];
  const entry = { file: FILE, mutator: 'BooleanLiteral', original: 'true', replacement: 'false', reason: 'r' };
  const run = (equivalents: (typeof entry)[]) =>
    summarize('lesson-99', survived, equivalents, 1, () => source, '/anywhere').equivalent;
  expect(run([entry])).toBe(1);
  expect(run([{ ...entry, file: 'solutions/99-sample/other.ts' }])).toBe(0);
  expect(run([{ ...entry, replacement: 'true' }])).toBe(0);
  expect(run([{ ...entry, original: 'false' }])).toBe(0);
});

test('every reviewed equivalent mutant still names code that is in its file', () => {
  const stale = readEquivalents().filter((e) => {
    const file = path.join(PROJECT_ROOT, e.file);
    return !fs.existsSync(file) || !fs.readFileSync(file, 'utf8').includes(e.original);
  });
  expect(
    stale.map((e) => `${e.file} ${e.mutator}: ${e.original}`),
    'checks/mutation/equivalent-mutants.json lists code that is no longer there: review or remove these entries',
  ).toEqual([]);
});
