import fs from 'node:fs';
import path from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import { findOrStartBroker } from '../broker/discover.ts';
import { findLesson, listLessons, type Lesson } from '../lessons.ts';
import {
  describeSurvivor,
  EQUIVALENTS_FILE,
  readEquivalents,
  summarize,
  summaryTable,
  type LessonMutationSummary,
} from '../mutation/summary.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { runCli } from './run-cli.ts';

/**
 * `npm run mutate [lesson-NN]`: how many realistic bugs the checks catch. Stryker changes the
 * lesson's solution one small way at a time (a mutant: `>` for `>=`, a removed await, an
 * emptied function…) and runs the lesson's checks against each; a mutant that passes every
 * check is a bug the checks would let through. Mutants that cannot change what the program
 * does are listed, with a reason each, in checks/mutation/equivalent-mutants.json. Minutes per
 * lesson, so it is not part of npm test.
 */
type StrykerOptions = NonNullable<ConstructorParameters<typeof Stryker>[0]>;
const print = (line: string) => console.log(line);
const REPORTS = path.join(PROJECT_ROOT, 'reports', 'mutation');

const command = {
  program: 'npm run mutate',
  about:
    "How many realistic bugs a lesson's checks catch: Stryker mutates the lesson's solution and runs its checks against each mutant. Minutes per lesson; every lesson when none is named.",
  flags: {},
  words: { usage: '[lesson-NN]', name: 'lesson', max: 1 },
} as const;

runCli(command, async ({ words: [name] }) => {
  const lessons = name ? [findLesson(name)] : listLessons();
  const { brokers } = await findOrStartBroker('persistent', print);
  // the vitest runner's workers find the broker here, like the checks do
  process.env.KAFKA_BROKERS = brokers.join(',');
  const summaries: LessonMutationSummary[] = [];
  for (const lesson of lessons) summaries.push(await mutateLesson(lesson));

  print('');
  print(summaryTable(summaries));
  for (const summary of summaries.filter((s) => s.survivors.length > 0)) {
    print('');
    print(`${summary.lessonId}: ${summary.survivors.length} mutant(s) no check kills. Strengthen a check, or, when`);
    print(`the program really behaves the same, list it with a reason in ${EQUIVALENTS_FILE}:`);
    summary.survivors.forEach((survivor) => print(`  ${describeSurvivor(survivor)}`));
  }
  return summaries.every((s) => s.survivors.length === 0) ? 0 : 1;
});

async function mutateLesson(lesson: Lesson): Promise<LessonMutationSummary> {
  print(`\n🧬 ${lesson.id} · ${lesson.title}: mutating solutions/${lesson.folder}/, checking each mutant…`);
  fs.mkdirSync(REPORTS, { recursive: true });
  process.env.WORKSHOP_MUTATE_CHECKS = `checks/${lesson.folder}.check.ts`;
  const started = performance.now();
  const results = await new Stryker({
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    vitest: { configFile: 'vitest.mutate.config.ts', related: false },
    mutate: lesson.files.map((file) => `solutions/${lesson.folder}/${file}`),
    // checks run one at a time under Stryker, so it can tell which check covers which mutant
    coverageAnalysis: 'perTest',
    concurrency: 1,
    timeoutMS: 15_000,
    reporters: ['progress', 'json'],
    jsonReporter: { fileName: path.join(REPORTS, `${lesson.id}.json`) },
    tempDirName: '.stryker-tmp',
    ignorePatterns: ['.workshop', 'reports', 'coverage'],
    // Stryker looks for node_modules folders to link in every folder of the project, the broker's
    // data in .workshop among them, and crashed when the broker deleted a topic's folder meanwhile.
    // Nothing to link: the sandbox is inside the project, so Node finds its node_modules from there
    symlinkNodeModules: false,
    cleanTempDir: true,
    // Stryker's log levels are a const enum, which isolated modules cannot import: its value is the string
    logLevel: 'warn' as StrykerOptions['logLevel'],
  }).runMutationTest();
  const minutes = (performance.now() - started) / 60_000;
  return summarize(lesson.id, results, readEquivalents(), minutes);
}
