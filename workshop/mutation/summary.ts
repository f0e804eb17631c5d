import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';

/** A mutant as Stryker reports it, reduced to what the summary needs. */
export interface MutantOutcome {
  /** Absolute or project-relative path of the mutated file. */
  fileName: string;
  mutatorName: string;
  replacement: string;
  /** Where the replaced code is: lines and columns both 1-based, as Stryker reports them. */
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  status: string;
}

/** A reviewed mutant that no check can kill, because the program behaves the same with it. */
export interface EquivalentMutant {
  file: string;
  mutator: string;
  /** The code Stryker replaced, as written in the file. */
  original: string;
  replacement: string;
  /** One line: why the mutant cannot change what the program does. */
  reason: string;
}

export const EQUIVALENTS_FILE = path.join('checks', 'mutation', 'equivalent-mutants.json');

export interface LessonMutationSummary {
  lessonId: string;
  mutants: number;
  /** Killed by a failing check, or by a check that ran out of time. */
  killed: number;
  equivalent: number;
  /** Not killed and not reviewed as equivalent: each one is a gap in the checks. */
  survivors: Array<MutantOutcome & { original: string }>;
  /** Compile or runtime errors of the mutated code: not counted either way, as Stryker does. */
  invalid: number;
  minutes: number;
}

const KILLED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export function readEquivalents(root = PROJECT_ROOT): EquivalentMutant[] {
  const file = path.join(root, EQUIVALENTS_FILE);
  if (!fs.existsSync(file)) return [];
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { mutants: EquivalentMutant[] }).mutants;
}

/** The code a mutant replaced, from the file as it is now. */
export function originalCode(mutant: MutantOutcome, source: string): string {
  const lines = source.split('\n');
  const { start, end } = mutant.location;
  if (start.line === end.line) return lines[start.line - 1]!.slice(start.column - 1, end.column - 1);
  return [
    lines[start.line - 1]!.slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    lines[end.line - 1]!.slice(0, end.column - 1),
  ].join('\n');
}

const relative = (file: string, root: string) =>
  (path.isAbsolute(file) ? path.relative(root, file) : file).split(path.sep).join('/');

/** One lesson's mutants sorted into killed, equivalent (per the reviewed list) and surviving. */
export function summarize(
  lessonId: string,
  mutants: readonly MutantOutcome[],
  equivalents: readonly EquivalentMutant[],
  minutes: number,
  readSource: (file: string) => string = (file) => fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8'),
  root = PROJECT_ROOT,
): LessonMutationSummary {
  const summary: LessonMutationSummary = {
    lessonId,
    mutants: mutants.length,
    killed: 0,
    equivalent: 0,
    survivors: [],
    invalid: 0,
    minutes,
  };
  for (const mutant of mutants) {
    if (KILLED.has(mutant.status)) summary.killed += 1;
    else if (UNDETECTED.has(mutant.status)) {
      const file = relative(mutant.fileName, root);
      const original = originalCode(mutant, readSource(file));
      const reviewed = equivalents.some(
        (e) =>
          e.file === file &&
          e.mutator === mutant.mutatorName &&
          e.original === original &&
          e.replacement === mutant.replacement,
      );
      if (reviewed) summary.equivalent += 1;
      else summary.survivors.push({ ...mutant, fileName: file, original });
    } else summary.invalid += 1;
  }
  return summary;
}

/** Killed out of the mutants that a check could kill: the equivalent and invalid ones are left out. */
export function score(summary: LessonMutationSummary): number {
  const killable = summary.mutants - summary.equivalent - summary.invalid;
  return killable === 0 ? 1 : summary.killed / killable;
}

export function summaryTable(summaries: readonly LessonMutationSummary[]): string {
  const rows = summaries.map(
    (s) =>
      `| ${s.lessonId} | ${s.mutants} | ${s.killed} | ${s.equivalent} | ${s.survivors.length} | ${(score(s) * 100).toFixed(1)}% | ${s.minutes.toFixed(1)} |`,
  );
  return [
    '| lesson | mutants | killed | equivalent | survived | score | minutes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** "solutions/03-…/consumer.ts:57 ConditionalExpression: `options.groupId ?? DEFAULT_GROUP_ID` → `options.groupId`" */
export function describeSurvivor(survivor: LessonMutationSummary['survivors'][number]): string {
  const oneLine = (code: string) => code.replace(/\s+/g, ' ').slice(0, 100);
  return `${survivor.fileName}:${survivor.location.start.line} ${survivor.mutatorName} (${survivor.status}): \`${oneLine(survivor.original)}\` → \`${oneLine(survivor.replacement)}\``;
}
