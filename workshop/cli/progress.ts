import { findOrStartBroker } from '../broker/discover.ts';
import { isGreen } from '../check/outcome.ts';
import { listLessons } from '../lessons.ts';
import { currentLesson, progressReport } from '../progress.ts';
import { readState, recordCheck } from '../state.ts';
import { runCli } from './run-cli.ts';

const print = (line: string) => console.log(line);

/** `npm run progress [-- --verify]`: where the learner stands, from the recorded check results. */
const command = {
  program: 'npm run progress',
  about: 'Every lesson with its state and when it was last checked. For one lesson, use npm run check lesson-NN.',
  flags: { verify: { kind: 'switch', help: 're-run the checks of every lesson first' } },
} as const;

runCli(command, async ({ flags }) => {
  const lessons = listLessons();
  if (flags.verify) {
    const { brokers } = await findOrStartBroker('persistent', print);
    // loaded only here: the check runner brings vitest, which plain `progress` does not need
    const { runLessonChecks } = await import('../check/run-lesson.ts');
    for (const lesson of lessons) {
      const result = await runLessonChecks(lesson, { brokers, target: 'lessons' });
      recordCheck(result);
      print(`${isGreen(result) ? '✅' : '·'} checked ${lesson.id}`);
    }
    print('');
  }
  const state = readState();
  progressReport(lessons, state).forEach(print);
  const next = currentLesson(lessons, state);
  print(next ? `👉 Next: npm run watch ${next.id}` : '🏁 Every lesson is green. Well done!');
});
