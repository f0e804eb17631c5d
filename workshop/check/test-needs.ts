import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';

/**
 * Which engine-room tests need the run's broker, read from the code rather than kept in a list:
 * a test file needs it when it, or a module of this repo it imports (at any depth), asks vitest
 * for the broker, `inject('brokers')`. A new test file lands in the right project by itself.
 */
const ASKS_FOR_BROKER = /\binject\(\s*['"]brokers['"]\s*\)/;
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;
/** Comments may name the call (this one does) without making it: they are left out. */
const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;

export function needsRunBroker(file: string, known = new Map<string, boolean>()): boolean {
  const absolute = path.resolve(PROJECT_ROOT, file);
  const answer = known.get(absolute);
  if (answer !== undefined) return answer;
  known.set(absolute, false); // an import cycle ends here
  let source: string;
  try {
    source = fs.readFileSync(absolute, 'utf8').replace(COMMENTS, '');
  } catch {
    return false; // a package path or a file that does not exist: not ours to follow
  }
  const needs =
    ASKS_FOR_BROKER.test(source) ||
    [...source.matchAll(RELATIVE_IMPORT)].some(([, imported]) =>
      needsRunBroker(path.resolve(path.dirname(absolute), imported!), known),
    );
  known.set(absolute, needs);
  return needs;
}

/** The test files under `folder` (relative to the project, / separated), except those under `skip` folders. */
export function testFilesUnder(folder: string, skip: readonly string[]): string[] {
  const root = path.join(PROJECT_ROOT, folder);
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => [folder, ...name.split(path.sep)].join('/'))
    .filter((file) => file.endsWith('.test.ts') && !skip.some((dir) => file.startsWith(`${dir}/`)))
    .sort();
}

/**
 * Splits test files into those that need the run's broker and those that start nothing. Files
 * under `brokerFolders` need it whatever they import (tests/registry/ gets its registry by folder).
 */
export function splitByBroker(
  files: readonly string[],
  brokerFolders: readonly string[] = [],
): { unit: string[]; broker: string[] } {
  const known = new Map<string, boolean>();
  const broker = files.filter(
    (file) => brokerFolders.some((dir) => file.startsWith(`${dir}/`)) || needsRunBroker(file, known),
  );
  return { unit: files.filter((file) => !broker.includes(file)), broker };
}
