import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { JvmCluster } from '../../workshop/broker/cluster.ts';
import { TAG_VARIABLE } from '../../workshop/broker/jvm-marker.ts';
import { BORROWED_CLUSTER_VARIABLE } from '../../workshop/broker/local-cluster.ts';
import { freePort } from '../../workshop/broker/ports.ts';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CHECK_TIMEOUT_MS, type LessonDefinition } from '../../checks/support/lesson-checks.ts';
import { listLessons, type Lesson } from '../../workshop/lessons.ts';
import { copyProject, startCli } from '../support/project-copy.ts';
import { learnerEnv, STACK_FRAME, type CliRun } from '../support/spawn-cli.ts';
import { HOSTILE_KINDS, HOSTILE_TARGETS, writeHostile, type HostileKind } from './support/hostile-code.ts';
import { processesIn, stopTagged, taggedJvms } from './support/own-processes.ts';
import { measured, seconds } from './support/tally.ts';

/**
 * Issue 18: no learner mistake can hang a check or leak a process. For every lesson, the learner
 * call its checks make early is replaced by code that never resolves, always rejects, sends in an
 * unbounded loop without awaiting, or exits the process. `npm run check` must end with a clear
 * failure, within the bound it prints, and leave no Java and no Node process behind.
 *
 * The other lessons share the run's broker; lesson 08's four runs share one 3-node cluster of this
 * file's own (WORKSHOP_CLUSTER_DIR), since a cluster costs four JVMs on a 2-core machine.
 */
const TAG = `faults-hostile-${randomBytes(3).toString('hex')}`;
// lessons 01–08 (issue 18) and 10; a later lesson joins with one line in HOSTILE_TARGETS
const lessons = listLessons().filter((lesson) => lesson.folder in HOSTILE_TARGETS);
const CLUSTER_LESSON = lessons.find((lesson) => lesson.needs.includes('cluster'))!;

/** What each kind must say: the clear line a learner reads. */
const CLEAR_LINE: Record<HostileKind, RegExp> = {
  'never-resolves': /did not finish within \d+ s \(in .+\)/,
  'always-rejects': /hostile code: this call always fails|held the check's thread for \d+ s/,
  'send-loop': /held the check's thread for \d+ s|kept starting calls|used up the \d+ MB/,
  exits: /called process\.exit\(3\)/,
};

/** Every bound the run printed, in ms: "within 10 s", "for 5 s". */
function printedBoundsMs(output: string): number[] {
  return [...output.matchAll(/(?:within|for) (\d+(?:\.\d+)?) s\b/g)].map((m) => Number(m[1]) * 1000);
}

/**
 * The checks that pass before the hostile call, the cleanup after it and the report, on a
 * 2-core machine under load: the checks may take this much longer than the bounds they printed
 * (lesson 08's, this much longer each).
 */
const SLACK_MS = 60_000;

let cluster: JvmCluster | undefined;
let clusterDir: string | undefined;

beforeAll(async () => {
  // the cluster's JVMs carry this file's tag, so its cleanup finds them whatever happens
  process.env[TAG_VARIABLE] = TAG;
  clusterDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-workshop-cluster-'));
  const brokerPorts = [await freePort(), await freePort(), await freePort()];
  cluster = new JvmCluster(clusterDir, { brokerPorts, controllerPort: await freePort() }, 'persistent');
  await cluster.start(() => undefined);
}, 240_000);

afterAll(async () => {
  await cluster?.stop(() => undefined, 5000);
  await stopTagged(TAG);
  if (clusterDir) fs.rmSync(clusterDir, { recursive: true, force: true });
  delete process.env[TAG_VARIABLE];
}, 120_000);

interface HostileRun extends CliRun {
  /** From the check header (the checks begin) to the exit: what the printed bounds limit. */
  checkingMs: number;
}

/** `npm run check` in a copy with hostile code, timing the checks apart from the start-up before them. */
async function hostileRun(slug: string, id: string, kind: HostileKind): Promise<HostileRun> {
  const copy = copyProject();
  try {
    writeHostile(copy.root, slug, kind);
    const env = learnerEnv({
      KAFKA_BROKERS: inject('brokers').join(','),
      [TAG_VARIABLE]: TAG,
      ...(slug === CLUSTER_LESSON.folder ? { [BORROWED_CLUSTER_VARIABLE]: clusterDir } : {}),
    });
    const { child, output } = startCli(copy.root, ['workshop/cli/launch.mjs', 'workshop/cli/check.ts', id], env);
    const started = performance.now();
    let checkingFrom: number | undefined;
    child.stdout?.on('data', () => (checkingFrom ??= /🔎/.test(output()) ? performance.now() : undefined));
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(killer);
    const ended = performance.now();
    expect(processesIn(copy.root), 'processes still running in the copy after the command ended').toEqual([]);
    return {
      code,
      stdout,
      stderr: output().slice(stdout.length),
      output: output(),
      durationMs: ended - started,
      checkingMs: ended - (checkingFrom ?? started),
    };
  } finally {
    copy.remove();
  }
}

/** The lesson's check bounds, from its check file, for a run that failed at once and so printed none. */
async function checkBoundsMs(checkFile: string): Promise<number[]> {
  const module = (await import(pathToFileURL(checkFile).href)) as Record<string, unknown>;
  const exported = Object.values(module);
  const definition = exported.find((value): value is LessonDefinition<unknown> =>
    Array.isArray((value as LessonDefinition<unknown> | undefined)?.checks),
  );
  return (definition?.checks ?? []).map((check) => check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
}

async function expectClearFailure(
  lesson: Lesson,
  kind: HostileKind,
  run: HostileRun,
  sequential: boolean,
): Promise<void> {
  const id = lesson.id;
  expect(run.code, run.output).toBe(1);
  expect(run.stdout, run.output).toMatch(CLEAR_LINE[kind]);
  expect(run.stdout).toMatch(new RegExp(`${id}: \\d+ passed, [1-9]\\d* failed`));
  expect(run.output, 'a learner never sees a stack trace').not.toMatch(STACK_FRAME);
  expect(run.output).not.toMatch(/FATAL ERROR|heap out of memory/);
  // a call that fails at once needs no bound, nor a loop stopped for the memory it used up; one
  // that stalls says the bound it overran
  const printed = printedBoundsMs(run.stdout);
  const stoppedForMemory = /used up the \d+ MB/.test(run.stdout);
  if (kind === 'never-resolves' || (kind === 'send-loop' && !stoppedForMemory))
    expect(printed.length, 'the failure says its bound').toBeGreaterThan(0);
  const declared = await checkBoundsMs(lesson.checkFile);
  const bounds = printed.length > 0 ? printed : declared;
  // checks run side by side, so one bound is the most a run waits; lesson 08's take turns, and each
  // may restart the brokers it killed
  const waited = sequential
    ? bounds.reduce((a, b) => a + b, 0) + SLACK_MS * declared.length
    : Math.max(...bounds) + SLACK_MS;
  expect(run.checkingMs, `${id} ${kind}: the checks took ${seconds(run.checkingMs)}`).toBeLessThan(waited);
  // the single-broker lessons start no JVM; lesson 08's restarts of the shared cluster's nodes stay in its folder
  const strays = taggedJvms(TAG).filter((jvm) => !clusterDir || !jvm.marker.dir.startsWith(clusterDir));
  expect(strays, 'JVMs the run left behind').toEqual([]);
  measured(
    `${id}, learner code that ${kind}: exit ${run.code}, checks done in ${seconds(run.checkingMs)} (whole command ${seconds(run.durationMs)}; ${printed.length > 0 ? `bound printed: ${Math.max(...printed) / 1000} s` : 'failed at once'})`,
  );
}

const singleBroker = lessons.filter((lesson) => lesson !== CLUSTER_LESSON);

describe.concurrent.each(singleBroker.map((lesson) => [lesson.id, lesson] as const))('%s', (id, lesson) => {
  test.each(HOSTILE_KINDS)(
    'learner code that %s: a clear failure within the printed bound, no process left',
    async (kind) => expectClearFailure(lesson, kind, await hostileRun(lesson.folder, id, kind), false),
    600_000,
  );
});

// one run at a time: each kills brokers of the shared cluster
describe(CLUSTER_LESSON.id, () => {
  test.each(HOSTILE_KINDS)(
    'learner code that %s: a clear failure within the printed bound, no process left',
    async (kind) =>
      expectClearFailure(CLUSTER_LESSON, kind, await hostileRun(CLUSTER_LESSON.folder, CLUSTER_LESSON.id, kind), true),
    900_000,
  );
});
