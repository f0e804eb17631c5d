import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { isAlive } from '../../workshop/broker/process.ts';
import { readServerFile } from '../../workshop/check/check-server.ts';
import { waitFor } from '../../workshop/wait.ts';
import { copyProject, startCli } from '../support/project-copy.ts';
import { learnerEnv, runWorkshopCli } from '../support/spawn-cli.ts';

/**
 * `npm run check lesson-NN` leaves a check server behind (workshop/check/check-server.ts), and
 * the next check of a single lesson runs there. A learner must not be able to tell, except by
 * the time it takes: same lines, same exit code, and any doubt means a run of its own.
 */
let project: ReturnType<typeof copyProject>;
let env: NodeJS.ProcessEnv;
const server = () => readServerFile(path.join(project.root, '.workshop', 'check-server.json'));
const check = (...args: string[]) => runWorkshopCli('workshop/cli/check.ts', args, env, 90_000, project.root);
/** The lines a learner reads, without what differs from run to run. */
const lines = (output: string) => output.split('\n').filter((line) => line.trim() !== '');

/** The processes started to be this copy's check server, from what Linux shows of each process. */
function serverProcesses(): number[] {
  const pids: number[] = [];
  const root = fs.realpathSync(project.root);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = fs.realpathSync(`/proc/${entry}/cwd`);
      const environ = `\0${fs.readFileSync(`/proc/${entry}/environ`, 'utf8')}`;
      if (cwd === root && environ.includes('\0WORKSHOP_CHECK_SERVE=')) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Waits until a server is listening, and returns its pid. */
async function serverUp(notPid?: number): Promise<number> {
  return waitFor(
    () => {
      const found = server();
      return found && found.pid !== notPid && isAlive(found.pid) ? found.pid : undefined;
    },
    { timeoutMs: 30_000, expected: 'a check server to be started', lastSeen: () => JSON.stringify(server()) },
  );
}

beforeAll(() => {
  project = copyProject();
  env = learnerEnv({ KAFKA_BROKERS: inject('brokers').join(','), WORKSHOP_CHECK_SERVER: 'on', NO_COLOR: '1' });
});
afterAll(() => {
  const pid = server()?.pid;
  if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGTERM');
  project?.remove();
});

describe.sequential('the check server', () => {
  let firstOutput: string[] = [];

  test('the first check runs in its own process and starts a server; the next runs there and prints the same', async () => {
    const cold = await check('lesson-01', '--solution');
    expect(cold.code, cold.output).toBe(0);
    firstOutput = lines(cold.stdout);
    const pid = await serverUp();
    expect(server()?.runs).toBe(0);

    const warm = await check('lesson-01', '--solution');
    expect(warm.code, warm.output).toBe(0);
    expect(lines(warm.stdout)).toEqual(firstOutput);
    expect(server(), 'the second check did not run on the server').toMatchObject({ pid, runs: 1 });
  });

  test('a failing lesson gets the same lines and exit code from the server: the untouched stub is not done yet', async () => {
    const runsBefore = server()!.runs;
    const warm = await check('lesson-01');
    expect(warm.code, warm.output).toBe(1);
    expect(warm.stdout).toMatch(/not done yet/);
    expect(server()?.runs).toBe(runsBefore + 1);
  });

  test('two checks at once: one runs on the server, the other in its own process, and both are right', async () => {
    const pid = await serverUp();
    const [a, b] = await Promise.all([check('lesson-01', '--solution'), check('lesson-02', '--solution')]);
    expect(a.code, a.output).toBe(0);
    expect(b.code, b.output).toBe(0);
    expect(lines(a.stdout)).toEqual(firstOutput);
    expect(b.stdout).toMatch(/lesson-02: \d+ passed, 0 failed/);
    // the check turned away by the busy server starts no second one, which would load for nothing
    if (process.platform === 'linux') expect(serverProcesses()).toEqual([pid]);
  });

  test('Ctrl+C in the terminal stops the run on the server, which then serves the next check', async () => {
    const pid = await serverUp();
    const runsBefore = server()!.runs;
    const launcher = path.join(project.root, 'workshop', 'cli', 'launch.mjs');
    const run = startCli(project.root, [launcher, 'workshop/cli/check.ts', 'lesson-03', '--solution'], env);
    await waitFor(() => (/🔎 lesson-03/.test(run.output()) ? true : undefined), {
      timeoutMs: 30_000,
      expected: 'the check of lesson 03 to begin',
      lastSeen: run.output,
    });
    const exit = new Promise<number | null>((resolve) => run.child.once('close', resolve));
    run.child.kill('SIGINT');
    expect(await exit).toBe(130);
    // the stopped run ends on the server too
    await waitFor(() => (server()!.runs > runsBefore ? true : undefined), {
      timeoutMs: 10_000,
      expected: 'the server to end the run its client left',
    });

    const next = await check('lesson-01', '--solution');
    expect(next.code, next.output).toBe(0);
    expect(lines(next.stdout)).toEqual(firstOutput);
    expect(server()).toMatchObject({ pid, runs: runsBefore + 2 });
  });

  test('after a change to the workshop’s own code, the old server steps down and the check runs on the new code', async () => {
    const oldPid = await serverUp();
    const report = path.join(project.root, 'workshop', 'check', 'report.ts');
    fs.appendFileSync(report, '\n// changed by tests/e2e/check-server.test.ts\n');
    const changed = await check('lesson-01', '--solution');
    expect(changed.code, changed.output).toBe(0);
    expect(lines(changed.stdout)).toEqual(firstOutput);
    await waitFor(() => (isAlive(oldPid) ? undefined : true), {
      timeoutMs: 10_000,
      expected: 'the out-of-date server to end',
    });
    const newPid = await serverUp(oldPid);
    expect(newPid).not.toBe(oldPid);
  });

  test('a server with nothing to do ends by itself, and takes its file along', async () => {
    const idleEnv = { ...env, WORKSHOP_CHECK_SERVER_IDLE_MS: '500' };
    const pid = server()?.pid;
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGTERM');
    await waitFor(() => (server() === undefined ? true : undefined), {
      timeoutMs: 10_000,
      expected: 'the server to remove its file when stopped',
    });
    const cold = await runWorkshopCli(
      'workshop/cli/check.ts',
      ['lesson-01', '--solution'],
      idleEnv,
      90_000,
      project.root,
    );
    expect(cold.code, cold.output).toBe(0);
    const idlePid = await serverUp();
    await waitFor(() => (isAlive(idlePid) ? undefined : true), {
      timeoutMs: 15_000,
      expected: 'an idle server to end by itself',
    });
    expect(server()).toBeUndefined();
  });
});
