import { findOrStartBroker } from '../broker/discover.ts';
import { isGreen, type LessonResult } from '../check/outcome.ts';
import { createOutcomePrinter, lessonHeader, lessonSummary } from '../check/report.ts';
import { runLessonChecks } from '../check/run-lesson.ts';
import { ConfigError } from '../config.ts';
import { findLesson, listLessons, type Lesson } from '../lessons.ts';
import { recordCheck } from '../state.ts';
import { runCli } from './run-cli.ts';

export interface CheckArgs {
  lesson?: string;
  solution: boolean;
}

export function parseCheckArgs(args: string[]): CheckArgs {
  const parsed: CheckArgs = { solution: false };
  for (const arg of args) {
    if (arg === '--solution') parsed.solution = true;
    else if (arg.startsWith('-')) throw new ConfigError(`unknown option "${arg}": use npm run check [lesson-NN] [-- --solution]`);
    else if (parsed.lesson) throw new ConfigError(`one lesson at a time, please: got "${parsed.lesson}" and "${arg}"`);
    else parsed.lesson = arg;
  }
  return parsed;
}

const print = (line: string) => console.log(line);

async function main(args: string[]): Promise<number> {
  const { lesson: lessonName, solution } = parseCheckArgs(args);
  const lessons = listLessons();
  // an unknown lesson name is an instant answer, before any broker is looked for
  const chosen = lessonName ? [findLesson(lessonName, lessons)] : lessons;
  const { brokers } = await findOrStartBroker('persistent', print);
  const target = solution ? 'solutions' : 'lessons';

  for (const lesson of chosen) {
    const result = await checkLesson(lesson, brokers, target, chosen.length === 1);
    const next = lessons[lessons.indexOf(lesson) + 1];
    if (!isGreen(result) || chosen.length === 1) {
      lessonSummary(lesson, result, next).forEach((line) => print(line));
      return isGreen(result) ? 0 : 1;
    }
  }
  print('\n🏁 Every lesson is green. Well done!');
  return 0;
}

/** One lesson: streamed line by line when it is the only one, else a single line when green. */
async function checkLesson(lesson: Lesson, brokers: string[], target: 'lessons' | 'solutions', alone: boolean): Promise<LessonResult> {
  const printOutcome = createOutcomePrinter(print);
  const buffered: Array<Parameters<typeof printOutcome>[0]> = [];
  if (alone) print(lessonHeader(lesson, target));
  const result = await runLessonChecks(lesson, {
    brokers,
    target,
    onOutcome: alone ? printOutcome : (outcome) => buffered.push(outcome),
    onConsole: (text) => print(text.trimEnd().split('\n').map((line) => `     │ ${line}`).join('\n')),
  });
  if (target === 'lessons') recordCheck(result); // for npm run progress and watch
  if (!alone) {
    if (isGreen(result)) print(`✅ ${lesson.id} · ${lesson.title} — ${result.outcomes.length}/${result.outcomes.length} checks pass`);
    else {
      print(lessonHeader(lesson, target));
      buffered.forEach(printOutcome);
    }
  }
  return result;
}

runCli(main);
