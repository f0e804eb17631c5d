import { findOrStartBroker } from '../broker/discover.ts';
import { isGreen, type LessonResult } from '../check/outcome.ts';
import { createOutcomePrinter, lessonHeader, lessonSummary } from '../check/report.ts';
import {
  checkOnServer,
  checkServerFirstRequest,
  serveChecks,
  startCheckServer,
  type CheckRequest,
} from '../check/check-server.ts';
import { LessonTypeChecker } from '../check/typecheck.ts';
import { startWarmThread } from '../check/warm-thread.mjs';
import { findLesson, listLessons, type Lesson } from '../lessons.ts';
import { shareWithClassroom } from '../classroom.ts';
import { recordCheck } from '../state.ts';
import type { CommandSpec } from './args.ts';
import { describeFailure, runCli, type Cli } from './run-cli.ts';

const command = {
  program: 'npm run check',
  about:
    'Runs the checks of one lesson (or of every lesson, in order, up to the first that is not green) against a real Kafka broker, and says what to do next.',
  flags: { solution: { kind: 'switch', help: 'check the reference code in solutions/ instead of your lessons/' } },
  words: { usage: '[lesson-NN]', name: 'lesson', max: 1 },
} as const satisfies CommandSpec;

const print = (line: string) => console.log(line);

async function main({ flags, words }: Cli<typeof command.flags>): Promise<number> {
  const [lessonName] = words;
  const solution = flags.solution === true;
  const lessons = listLessons();
  // an unknown lesson name is an instant answer, before any broker is looked for
  const chosen = lessonName ? [findLesson(lessonName, lessons)] : lessons;
  const first = chosen[0]!;
  const served = chosen.length === 1 ? await checkOnServer({ lesson: first.id, solution }, print) : undefined;
  if (typeof served === 'number') return served;
  // one type checker for the whole run: checking every lesson parses the libraries once
  const typeChecker = new LessonTypeChecker();
  // the first lesson's type check needs no broker: it starts now, on the other core, while the
  // broker is found and vitest loads (the checks then find it under way, and wait for it at the end)
  typeChecker.check(first, solution ? first.solutionDir : first.lessonDir).catch(() => undefined);
  const code = await checkLessons(chosen, lessons, solution, typeChecker, print);
  // the next check of a single lesson finds vitest and the type checker loaded (a busy server is there for it already)
  if (chosen.length === 1 && served !== 'busy') startCheckServer({ lesson: first.id, solution });
  return code;
}

/** The check server's side: the same run, printed to its client, with a type checker kept open between runs. */
async function serve(first: CheckRequest): Promise<void> {
  startWarmThread();
  const typeChecker = new LessonTypeChecker();
  const lesson = listLessons().find((known) => known.id === first.lesson);
  if (lesson) typeChecker.prepare(lesson, first.solution ? lesson.solutionDir : lesson.lessonDir);
  // loaded before it listens: the first check it takes is as quick as the next ones, and loading
  // vitest never keeps a client waiting for its answer
  await import('../check/run-lesson.ts');
  await serveChecks(async ({ lesson, solution }, printTo, stop) => {
    const lessons = listLessons();
    try {
      return await checkLessons([findLesson(lesson, lessons)], lessons, solution, typeChecker, printTo, stop);
    } finally {
      // the next run finds its thread loaded and waiting
      startWarmThread();
    }
  }, describeFailure);
}

/** Checks `chosen` in order and says what to do next: 0 when all are green. */
async function checkLessons(
  chosen: Lesson[],
  lessons: Lesson[],
  solution: boolean,
  typeChecker: LessonTypeChecker,
  print: (line: string) => void,
  stop?: AbortSignal,
): Promise<number> {
  const target = solution ? 'solutions' : 'lessons';
  const { brokers } = await findOrStartBroker('persistent', print);

  for (const [index, lesson] of chosen.entries()) {
    // npm run check (launch.mjs) started the first lesson's thread; each lesson after it starts its own
    if (index > 0) startWarmThread();
    const alone = chosen.length === 1;
    const result = await checkLesson(lesson, brokers, target, { alone, typeChecker, print, stop });
    if (stop?.aborted) return 130;
    const next = lessons[lessons.indexOf(lesson) + 1];
    if (!isGreen(result) || alone) {
      lessonSummary(lesson, result, next).forEach((line) => print(line));
      return isGreen(result) ? 0 : 1;
    }
  }
  print('\n🏁 Every lesson is green. Well done!');
  return 0;
}

/** One lesson: streamed line by line when it is the only one, else a single line when green. */
async function checkLesson(
  lesson: Lesson,
  brokers: string[],
  target: 'lessons' | 'solutions',
  how: { alone: boolean; typeChecker: LessonTypeChecker; print: (line: string) => void; stop?: AbortSignal },
): Promise<LessonResult> {
  const { alone, typeChecker, print, stop } = how;
  const printOutcome = createOutcomePrinter(print);
  const buffered: Array<Parameters<typeof printOutcome>[0]> = [];
  if (alone) print(lessonHeader(lesson, target));
  // loaded here, not at the top: the runner brings vitest, which --help does not need
  const { runLessonChecks } = await import('../check/run-lesson.ts');
  const result = await runLessonChecks(lesson, {
    brokers,
    target,
    typeChecker,
    stop,
    log: print,
    onOutcome: alone ? printOutcome : (outcome) => buffered.push(outcome),
    onConsole: (text) =>
      print(
        text
          .trimEnd()
          .split('\n')
          .map((line) => `     │ ${line}`)
          .join('\n'),
      ),
  });
  if (stop?.aborted) return result; // ended half-way: nothing to remember or share
  if (target === 'lessons') recordCheck(result); // for npm run progress and watch
  if (target === 'lessons') await shareWithClassroom(result, brokers, print); // only with WORKSHOP_LEARNER set
  if (!alone) {
    if (isGreen(result))
      print(`✅ ${lesson.id} · ${lesson.title} — ${result.outcomes.length}/${result.outcomes.length} checks pass`);
    else {
      print(lessonHeader(lesson, target));
      buffered.forEach((outcome) => printOutcome(outcome, result.nextTodo));
    }
  }
  return result;
}

const serving = checkServerFirstRequest();
if (serving) void serve(serving);
else runCli(command, main);
