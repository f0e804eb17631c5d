import path from 'node:path';
import readline from 'node:readline/promises';
import { ConfigError } from '../config.ts';
import { findLesson } from '../lessons.ts';
import { displayPath, STATE_DIR } from '../paths.ts';
import { applyReset, planReset } from '../reset.ts';
import { runCli } from './run-cli.ts';

const BACKUPS_DIR = path.join(STATE_DIR, 'backups');
const print = (line: string) => console.log(line);

/** Yes only for an explicit y/yes: a reset must never happen by accident. */
async function confirm(question: string): Promise<boolean> {
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  // stdin that ends without an answer (a closed pipe) is a "no"
  const closed = new Promise<string>((resolve) => prompt.once('close', () => resolve('')));
  const answer = await Promise.race([prompt.question(question), closed]);
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

const command = {
  program: 'npm run reset',
  about: "Restores a lesson's original stubs, after backing up your files into .workshop/backups/.",
  flags: { yes: { kind: 'switch', help: 'reset without asking first' } },
  words: { usage: 'lesson-NN', name: 'lesson', max: 1 },
} as const;

runCli(command, async ({ flags, words: [name] }) => {
  if (!name) throw new ConfigError('which lesson? Use: npm run reset lesson-NN');
  const lesson = findLesson(name);
  const plan = planReset(lesson);
  if (plan.changed.length === 0) {
    print(`✅ ${lesson.id} already has its pristine stubs: nothing to reset.`);
    return 0;
  }
  print(
    `This restores the original ${plan.changed.map((file) => path.basename(file)).join(', ')} of ${lesson.id} · ${lesson.title}.`,
  );
  print(`Your current files are backed up first, into ${displayPath(BACKUPS_DIR)}/.`);
  if (!flags.yes && !(await confirm('Reset? [y/N] '))) {
    print('Nothing was changed.');
    return 1;
  }
  const backupDir = applyReset(lesson, plan, BACKUPS_DIR);
  print(`💾 Your files are saved in ${displayPath(backupDir)}/`);
  for (const file of plan.changed) print(`↩️  ${file} is back to the original stub`);
  for (const file of plan.extra) print(`   ${file} is yours, not part of the stub: left as it is`);
  print(`👉 Start again with: npm run watch ${lesson.id}`);
  return 0;
});
