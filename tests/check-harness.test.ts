import path from 'node:path';
import { expect, test } from 'vitest';
import { lesson01 } from '../checks/01-producer-basics.check.ts';
import { runCheck } from '../checks/support/lesson-checks.ts';
import { becomesTrue } from '../checks/support/wait.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

const fixture = (name: string) => path.join(PROJECT_ROOT, 'checks', 'fixtures', lesson01.slug, name);
const check = (prefix: string) => lesson01.checks.find((c) => c.name.startsWith(prefix))!;
const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
const failureOf = (run: Promise<void>) => run.then(() => undefined, (error: Error) => error);

test('learner code that never returns fails with a clear message, and its connections are closed', async () => {
  const before = openSockets();
  const failure = await failureOf(runCheck(lesson01, { ...check('send() stores'), timeoutMs: 1500 }, fixture('never-returns')));
  expect(failure?.message).toMatch(/^your code did not finish within 1\.5 s\. Look for a promise that never resolves/);
  expect(await becomesTrue(() => openSockets() <= before, 3000), `${openSockets() - before} connection(s) left open`).toBe(true);
});

test('learner code that throws a string still gets a message and a name', async () => {
  const failure = await failureOf(runCheck(lesson01, check('serialize()'), fixture('throws-a-string')));
  expect(failure).toBeInstanceOf(Error);
  expect(failure?.message).toBe('your code threw the string "cannot serialize" instead of an Error: write throw new Error("…")');
});
