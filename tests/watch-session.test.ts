import { expect, test } from 'vitest';
import type { CheckOutcome, LessonResult } from '../workshop/check/outcome.ts';
import type { Lesson } from '../workshop/lessons.ts';
import { nextStep, startWatchSession, type WatchDeps } from '../workshop/watch/session.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

const lesson = (nn: string): Lesson => ({
  id: `lesson-${nn}`,
  slug: `${nn}-x`,
  folder: `${nn}-x`,
  files: ['lesson.ts'],
  needs: ['broker'],
  live: 'monitor',
  hints: 'README.md#hints',
  number: Number(nn),
  title: `Title ${nn}`,
  lessonDir: `${PROJECT_ROOT}/lessons/${nn}-x`,
  solutionDir: `${PROJECT_ROOT}/solutions/${nn}-x`,
  checkFile: '',
});
const passed = (name: string): CheckOutcome => ({ name, state: 'passed', durationMs: 1 });
const todo = (name: string, where: string): CheckOutcome => ({
  name,
  state: 'todo',
  message: `not done yet: step 1: do it (${where})`,
  durationMs: 1,
});

/**
 * The session's decisions with the check runner replaced by a script of results: the real
 * runner and broker are exercised end to end in watch.e2e.test.ts.
 */
function session(results: Record<string, LessonResult[]>, lessons = [lesson('01'), lesson('02')], reference = false) {
  const output: string[] = [];
  const saves = new Map<string, () => void>();
  const recorded: LessonResult[] = [];
  let allDone = false;
  const deps: WatchDeps = {
    lessons,
    async runChecks(l, onOutcome) {
      const result = results[l.id]!.shift()!;
      result.outcomes.forEach((outcome) => onOutcome(outcome, result.nextTodo));
      return result;
    },
    record: (result) => recorded.push(result),
    print: (line) => output.push(line),
    clear: () => output.push('<clear>'),
    watch(dir, onChange) {
      saves.set(dir, () => onChange('file.ts'));
      return { method: 'test events', stop: () => saves.delete(dir) };
    },
    keysLine: '',
    debounceMs: 1,
    onAllDone: () => (allDone = true),
    reference,
  };
  const started = startWatchSession(lessons[0]!, deps);
  return { started, output, saves, recorded, allDone: () => allDone };
}

test('a save re-runs, green moves on to the next lesson and runs it at once', async () => {
  const { started, output, saves, recorded } = session({
    'lesson-01': [
      { lessonId: 'lesson-01', outcomes: [todo('first', 'lessons/01-x/a.ts:3')], fileErrors: [] },
      { lessonId: 'lesson-01', outcomes: [passed('first')], fileErrors: [] },
    ],
    'lesson-02': [{ lessonId: 'lesson-02', outcomes: [todo('second', 'lessons/02-x/b.ts:9')], fileErrors: [] }],
  });
  await started.scheduler.idle();
  expect(output.join('\n')).toContain('👉 Next step: replace the todo(...) at lessons/01-x/a.ts:3, then save.');
  expect([...saves.keys()]).toEqual([`${PROJECT_ROOT}/lessons/01-x`]);

  output.length = 0;
  saves.get(`${PROJECT_ROOT}/lessons/01-x`)!();
  await started.scheduler.idle();
  const screens = output.join('\n').split('<clear>').filter(Boolean);
  expect(screens).toHaveLength(2);
  expect(screens[1]).toMatch(
    /^\n🎉 lesson-01 is done\. Compare your code with solutions\/01-x\/\.\n➡️ {2}On to lesson-02 · Title 02/,
  );
  expect(screens[1]).toContain('👀 lesson-02 · Title 02 — watching lessons/02-x/ (test events)');
  expect(started.current().id).toBe('lesson-02');
  expect([...saves.keys()], 'only the new lesson is watched').toEqual([`${PROJECT_ROOT}/lessons/02-x`]);
  expect(recorded.map((r) => r.lessonId)).toEqual(['lesson-01', 'lesson-01', 'lesson-02']);
  started.stop();
});

test('the last lesson turning green ends the session', async () => {
  const { started, output, allDone } = session(
    { 'lesson-01': [{ lessonId: 'lesson-01', outcomes: [passed('only')], fileErrors: [] }] },
    [lesson('01')],
  );
  await started.scheduler.idle();
  expect(output).toContain('🏁 Every lesson is green. Well done!');
  expect(allDone()).toBe(true);
  started.stop();
});

test('with --solution it watches the reference code, and a green run stays on that lesson', async () => {
  const green: LessonResult = { lessonId: 'lesson-01', outcomes: [passed('first')], fileErrors: [] };
  const { started, output, saves, allDone } = session({ 'lesson-01': [green, { ...green }] }, undefined, true);
  await started.scheduler.idle();
  expect([...saves.keys()]).toEqual([`${PROJECT_ROOT}/solutions/01-x`]);
  expect(output).toContain('👀 lesson-01 · Title 01 — watching solutions/01-x/ (test events)');
  expect(output).toContain('✅ The reference code of lesson-01 passes every check.');

  saves.get(`${PROJECT_ROOT}/solutions/01-x`)!();
  await started.scheduler.idle();
  expect(
    output.filter((line) => line.startsWith('👀 ')),
    'one run at the start and one for the save',
  ).toHaveLength(2);
  expect(output.join('\n')).not.toContain('lesson-02');
  expect(started.current().id).toBe('lesson-01');
  expect(allDone()).toBe(false);
  started.stop();
});

test('the next step comes from the first check that is not green', () => {
  const result = (outcomes: CheckOutcome[], fileErrors: string[] = []): LessonResult => ({
    lessonId: 'lesson-01',
    outcomes,
    fileErrors,
  });
  expect(
    nextStep(
      result([
        passed('a'),
        { name: 'b', state: 'failed', message: 'wrong partition\nexpected 1', durationMs: 1 },
        todo('c', 'x.ts:1'),
      ]),
    ),
  ).toBe('make "b" pass (the ❌ above says why), then save.');
  expect(nextStep(result([passed('a'), todo('c', 'lessons/01-x/a.ts:12')]))).toBe(
    'replace the todo(...) at lessons/01-x/a.ts:12, then save.',
  );
  expect(nextStep(result([], ['SyntaxError']))).toBe('fix the error above so your file loads, then save.');
});
