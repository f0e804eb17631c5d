import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { newClusterId, type JvmBrokerLayout } from '../workshop/broker/jvm-broker.ts';
import { localBrokerStatus, readPid, startLocalBroker, stopLocalBroker } from '../workshop/broker/local-broker.ts';
import { freePort } from '../workshop/broker/ports.ts';
import { isAlive } from '../workshop/broker/process.ts';

const dirs: string[] = [];
async function layout(): Promise<JvmBrokerLayout> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-broker-test-'));
  dirs.push(dir);
  return { dir, port: await freePort(), controllerPort: await freePort() };
}
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A pid that surely belongs to no running process: one that has just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

describe('the persistent JVM broker (npm run kafka)', () => {
  test('starts past a stale pid file, reports its status, is idempotent, and stops without leaving java behind', async () => {
    const where = await layout();
    fs.writeFileSync(path.join(where.dir, 'broker.pid'), `${deadPid()}\n`);
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);

    expect(await startLocalBroker(log, where)).toBe('started');
    expect(lines.join('\n')).toMatch(/Removing a stale pid file: broker pid \d+ is no longer running/);
    const pid = readPid(where)!;
    expect(isAlive(pid)).toBe(true);
    expect(await localBrokerStatus(where)).toMatchObject({ pid, alive: true, answering: true });

    expect(await startLocalBroker(log, where)).toBe('already-running');
    expect(lines.at(-1)).toMatch(/already running on 127\.0\.0\.1:\d+ \(pid \d+\)/);

    await stopLocalBroker(log, where);
    expect(isAlive(pid)).toBe(false);
    expect(readPid(where)).toBeUndefined();
    expect(await localBrokerStatus(where)).toMatchObject({ alive: false, answering: false });
  }, 120_000);

  test('a port taken by another program gets a clear message', async () => {
    const where = await layout();
    const squatter = net.createServer().listen(where.port, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    try {
      await expect(startLocalBroker(() => undefined, where)).rejects.toThrow(
        `Port ${where.port} is taken by another program`,
      );
    } finally {
      squatter.close();
    }
  });

  test('stopping when nothing runs says so', async () => {
    const lines: string[] = [];
    await stopLocalBroker((line) => lines.push(line), await layout());
    expect(lines).toEqual(['No workshop broker is running.']);
  });
});

test('cluster ids never start with "-", which the storage tool would take for an option', () => {
  const ids = Array.from({ length: 2000 }, newClusterId);
  expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
  expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
});
