import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, inject, test } from 'vitest';
import { waitFor } from '../../checks/support/wait.ts';
import { ensureKafkaJars } from '../../workshop/broker/jars.ts';
import { javaCommand } from '../../workshop/broker/java.ts';
import {
  brokerAddress,
  prepareBrokerDir,
  waitUntilReady,
  type JvmBrokerLayout,
} from '../../workshop/broker/jvm-broker.ts';
import { markerArgument, TAG_VARIABLE } from '../../workshop/broker/jvm-marker.ts';
import { freePort } from '../../workshop/broker/ports.ts';
import { isAlive } from '../../workshop/broker/process.ts';
import { copyProject } from '../support/project-copy.ts';
import { learnerEnv, runWorkshopCli, STACK_FRAME } from '../support/spawn-cli.ts';
import { jvmsOwnedBy, processesIn, stopTagged, taggedJvms } from './support/own-processes.ts';
import { measured, seconds } from './support/tally.ts';

/**
 * Nothing outlives the command that started it, and what was left before that was true can be
 * found and removed. Every JVM here carries this file's tag; kafka:stop -- --all runs with it,
 * so it never touches another engineer's broker or the shared one.
 */
const TAG = `faults-leftover-${randomBytes(3).toString('hex')}`;
const deadPid = () => {
  const child = spawn(process.execPath, ['-e', '0']);
  return new Promise<number>((resolve) => child.once('exit', () => resolve(child.pid!)));
};

afterAll(() => stopTagged(TAG), 60_000);

test('kill -9 of a running `npm run check lesson-08` leaves no broker JVM after 10 s', async ({ onTestFinished }) => {
  const copy = copyProject();
  onTestFinished(() => copy.remove());
  const env = learnerEnv({ KAFKA_BROKERS: inject('brokers').join(','), [TAG_VARIABLE]: TAG });
  const child = spawn(
    process.execPath,
    ['workshop/cli/launch.mjs', 'workshop/cli/check.ts', 'lesson-08', '--solution'],
    { cwd: copy.root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exitCode: number | null | undefined;
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve((exitCode = code))));

  // in the middle of the run: its cluster is up and the checks are at work on it
  const jvms = await waitFor(
    () => {
      // a run that ended before the kill has nothing left to prove: say why at once, not after 240 s
      if (exitCode !== undefined)
        throw new Error(`the check run exited (code ${exitCode}) before the kill:\n${output}`);
      const own = jvmsOwnedBy(TAG, child.pid!);
      return own.length === 4 && /✅/.test(output) ? own : undefined;
    },
    {
      timeoutMs: 240_000,
      intervalMs: 500,
      expected: 'the check run to start its cluster and pass a check',
      likelyCause: 'the cluster did not start (Java missing, or the machine too busy)',
      lastSeen: () => output.slice(-500),
    },
  );
  const clusterDir = path.dirname(jvms[0]!.marker.dir);
  expect(fs.existsSync(clusterDir)).toBe(true);

  const killedAt = performance.now();
  child.kill('SIGKILL');
  await exited;
  const gone = await waitFor(() => (jvms.every((jvm) => !isAlive(jvm.pid)) ? performance.now() : undefined), {
    timeoutMs: 10_000,
    intervalMs: 100,
    expected: `the cluster's 4 JVMs (pids ${jvms.map((jvm) => jvm.pid).join(', ')}) to end after the kill`,
    likelyCause: 'killing the check run no longer stops the JVMs it started',
    lastSeen: () => `${jvms.filter((jvm) => isAlive(jvm.pid)).length} still running`,
  });
  expect(fs.existsSync(clusterDir), 'the throw-away cluster folder is deleted').toBe(false);
  expect(taggedJvms(TAG)).toEqual([]);
  expect(processesIn(copy.root)).toEqual([]);
  measured(`kill -9 of npm run check lesson-08: its 4 cluster JVMs were gone ${seconds(gone - killedAt)} later`);
}, 300_000);

/** A JVM as the workshop started them before they watched their owner: kafka.Kafka, its owner long gone. */
async function leftoverBroker(): Promise<{ pid: number; dir: string }> {
  const jarsDir = await ensureKafkaJars(() => undefined);
  const layout: JvmBrokerLayout = {
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-workshop-')),
    port: await freePort(),
    controllerPort: await freePort(),
  };
  await prepareBrokerDir(layout, jarsDir);
  const marker = markerArgument({
    lifetime: 'ephemeral',
    dir: layout.dir,
    ports: [layout.port, layout.controllerPort],
    owner: await deadPid(),
    tag: TAG,
  });
  const log = fs.openSync(path.join(layout.dir, 'kafka.log'), 'a');
  const java = spawn(
    javaCommand(),
    ['-Xmx256m', marker, '-cp', path.join(jarsDir, '*'), 'kafka.Kafka', path.join(layout.dir, 'server.properties')],
    { detached: true, stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  java.unref();
  await waitUntilReady(brokerAddress(layout), java.pid!, path.join(layout.dir, 'kafka.log'));
  return { pid: java.pid!, dir: layout.dir };
}

test('kafka:status lists a leftover JVM with its pid, ports and folder; kafka:stop -- --all stops it and removes its data', async () => {
  const leftover = await leftoverBroker();
  const env = learnerEnv({ KAFKA_BROKERS: inject('brokers').join(','), [TAG_VARIABLE]: TAG });

  const status = await runWorkshopCli('workshop/cli/kafka.ts', ['status'], env, 60_000);
  expect(status.output).not.toMatch(STACK_FRAME);
  expect(status.stdout).toMatch(
    new RegExp(`pid ${leftover.pid}: throw-away broker, ports \\d+, \\d+, data in ${leftover.dir} — LEFT OVER`),
  );
  expect(status.stdout).toContain('npm run kafka:stop -- --all');

  const stop = await runWorkshopCli('workshop/cli/kafka.ts', ['stop', '--all'], env, 60_000);
  expect(stop.code, stop.output).toBe(0);
  expect(stop.stdout).toContain(`Stopped throw-away pid ${leftover.pid} and removed ${leftover.dir}.`);
  expect(isAlive(leftover.pid)).toBe(false);
  expect(fs.existsSync(leftover.dir)).toBe(false);
  expect(taggedJvms(TAG)).toEqual([]);

  const after = await runWorkshopCli('workshop/cli/kafka.ts', ['stop', '--all'], env, 60_000);
  expect(after.stdout).toContain('No workshop Kafka JVM is running on this machine.');
}, 180_000);
