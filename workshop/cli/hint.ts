import { showHint } from '../hints.ts';
import { wantsColor } from '../markdown/terminal.ts';
import { lessonOrCurrent } from '../progress.ts';
import { parseLessonArgs } from './args.ts';
import { runCli } from './run-cli.ts';

runCli(async (args) => {
  const { lesson: name, flags } = parseLessonArgs(args, ['--all'], 'npm run hint lesson-NN [-- --all]');
  const lesson = lessonOrCurrent(name);
  showHint(lesson, { all: flags.has('--all'), color: wantsColor(), print: (line) => console.log(line) });
});
