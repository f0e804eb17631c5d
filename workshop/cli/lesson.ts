import { readLessonReadme } from '../markdown/lesson-readme.ts';
import { renderForTerminal, wantsColor } from '../markdown/terminal.ts';
import { lessonOrCurrent } from '../progress.ts';
import { runCli } from './run-cli.ts';

/** `npm run lesson NN`: the lesson's README, readable in the terminal. */
runCli(
  {
    program: 'npm run lesson',
    about: "Shows a lesson's README in the terminal (the lesson you are on, when none is named).",
    flags: {},
    words: { usage: '[NN]', name: 'lesson', max: 1 },
  },
  async ({ words: [name] }) => {
    const lesson = lessonOrCurrent(name);
    const { tokens } = readLessonReadme(lesson);
    for (const line of renderForTerminal(tokens, { color: wantsColor(), baseDir: lesson.lessonDir })) console.log(line);
    console.log('');
    console.log(`👉 When you are ready: npm run watch ${lesson.id}   ·   💡 Stuck? npm run hint ${lesson.id}`);
  },
);
