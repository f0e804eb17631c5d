import { findOrStartBroker } from '../broker/discover.ts';
import { LessonTypeChecker } from '../check/typecheck.ts';
import { startWarmThread } from '../check/warm-thread.mjs';
import { showHint } from '../hints.ts';
import { findLesson, listLessons } from '../lessons.ts';
import { wantsColor } from '../markdown/terminal.ts';
import { currentLesson, progressReport } from '../progress.ts';
import { readState, recordCheck } from '../state.ts';
import { watchFolder } from '../watch/folder-watcher.ts';
import { pollReason } from '../watch/poll-reason.ts';
import { startWatchSession, type WatchSession } from '../watch/session.ts';
import { describeFailure, runCli } from './run-cli.ts';

const print = (line: string) => console.log(line);
const interactive = Boolean(process.stdin.isTTY);

const command = {
  program: 'npm run watch',
  about:
    'Re-runs the checks of a lesson (the one you are on, when none is named) each time you save, and moves on when it is green. Keys: h hint, l list, r re-run, q quit.',
  flags: {
    solution: {
      kind: 'switch',
      help: 'watch the reference code in solutions/ instead (for instructors editing it live); a green run stays on the lesson',
    },
  },
  words: { usage: '[lesson-NN]', name: 'lesson', max: 1 },
} as const;

runCli(command, async ({ flags, words: [name] }) => {
  const reference = flags.solution === true;
  const lessons = listLessons();
  const first = name ? findLesson(name, lessons) : currentLesson(lessons, readState());
  if (!first) {
    print('🏁 Every lesson is green already. Re-check them all with: npm run progress -- --verify');
    print('   or watch one of them: npm run watch lesson-NN');
    return 0;
  }
  const { brokers } = await findOrStartBroker('persistent', print);
  // kept open for the session: after a save it parses only the file that changed
  const typeChecker = new LessonTypeChecker();
  // loaded here, not at the top: the runner brings vitest, which --help does not need
  const { runLessonChecks } = await import('../check/run-lesson.ts');

  return new Promise<number>((resolve) => {
    const session: WatchSession = startWatchSession(first, {
      lessons,
      runChecks: async (lesson, onOutcome, onConsole) => {
        const result = await runLessonChecks(lesson, {
          brokers,
          target: reference ? 'solutions' : 'lessons',
          onOutcome,
          onConsole,
          typeChecker,
        });
        // the next save's checks find their thread loaded and waiting
        startWarmThread();
        return result;
      },
      // progress is the learner's: the reference code's runs are not theirs
      record: (result) => (reference ? undefined : recordCheck(result)),
      reference,
      print,
      // a pipe or a log file keeps every run; a terminal shows only the latest
      clear: () =>
        process.stdout.isTTY
          ? process.stdout.write('\u001b[2J\u001b[3J\u001b[H')
          : print(`\n──── ${new Date().toLocaleTimeString()} ────`),
      watch: (dir, onChange) => watchFolder(dir, onChange, { pollReason: pollReason(dir) }),
      keysLine: interactive ? '⌨️  h hint · l list · r re-run · q quit' : '',
      // editors write a save in one burst of a few milliseconds; a later write only makes one more run
      debounceMs: 50,
      onAllDone: () => finish(0),
    });

    function finish(code: number) {
      session.stop();
      typeChecker.close();
      if (interactive) process.stdin.setRawMode(false);
      process.stdin.pause();
      resolve(code);
    }

    if (!interactive) return;
    process.stdin.setRawMode(true);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (key: string) => {
      if (key === 'q' || key === '\u0003') {
        print('\n👋 Stopped watching. Carry on later with: npm run watch');
        return finish(0);
      }
      if (key === 'r') return session.scheduler.runNow();
      print('');
      try {
        if (key === 'h') showHint(session.current(), { color: wantsColor(), print });
        if (key === 'l') progressReport(lessons, readState()).forEach(print);
      } catch (error) {
        print(`❌ ${describeFailure(error)}`);
      }
    });
  });
});
