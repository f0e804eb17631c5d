import { showHint } from '../hints.ts';
import { wantsColor } from '../markdown/terminal.ts';
import { lessonOrCurrent } from '../progress.ts';
import { runCli } from './run-cli.ts';

runCli(
  {
    program: 'npm run hint',
    about: "The next hint for a lesson (the one you are on, when none is named), from the lesson's README.",
    flags: { all: { kind: 'switch', help: 'show every hint at once' } },
    words: { usage: '[lesson-NN]', name: 'lesson', max: 1 },
  },
  async ({ flags, words: [name] }) => {
    const lesson = lessonOrCurrent(name);
    showHint(lesson, { all: flags.all === true, color: wantsColor(), print: (line) => console.log(line) });
  },
);
