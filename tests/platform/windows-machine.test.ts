import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { dockerEngineAnswers } from '../../workshop/broker/docker.ts';
import { serverProperties } from '../../workshop/broker/jvm-broker.ts';
import { isRecordedProcess, readPidFile, writePidFile } from '../../workshop/broker/pid-file.ts';
import type { ProcessSystem } from '../../workshop/broker/process-table.ts';
import { dockerInfoTimeoutMs, dockerTimeoutMessage } from '../../workshop/platform/docker-timeout.ts';
import { renameWithRetry } from '../../workshop/platform/rename.ts';
import { canDeleteTopics, platformBrokerSettings } from '../../workshop/platform/topic-deletion.ts';
import { useTempDirs } from '../support/temp-dir.ts';

const makeTempDir = useTempDirs();

describe('the workshop broker on native Windows never deletes a topic (issue 19, item 3)', () => {
  const layout = { dir: 'C:\\Users\\Jane Doe\\kafka-workshop\\.workshop\\kafka', port: 9092, controllerPort: 9093 };

  test('its server.properties turns topic deletion off, on Windows only', () => {
    expect(serverProperties({ ...layout, platform: 'win32' })).toMatch(/^delete\.topic\.enable=false$/m);
    expect(serverProperties({ ...layout, platform: 'linux' })).not.toContain('delete.topic.enable');
    expect(serverProperties({ ...layout, platform: 'darwin' })).not.toContain('delete.topic.enable');
    expect(platformBrokerSettings('win32')).toEqual({ 'delete.topic.enable': 'false' });
  });

  test('the workshop asks for deletes everywhere except from its own broker on Windows', () => {
    expect(canDeleteTopics('win32', {})).toBe(false);
    expect(canDeleteTopics('win32', { KAFKA_BROKERS: ' ' })).toBe(false);
    expect(canDeleteTopics('win32', { KAFKA_BROKERS: 'kafka.room:9092' })).toBe(true);
    expect(canDeleteTopics('linux', {})).toBe(true);
    expect(canDeleteTopics('darwin', {})).toBe(true);
  });
});

describe('the jar folder is renamed even while a virus scanner holds it (issue 19, item 8)', () => {
  const busy = (code: string) => Object.assign(new Error(`${code}: operation not permitted, rename`), { code });

  test('EPERM, EBUSY and EACCES are tried again after a short, growing pause', async () => {
    const failures = ['EPERM', 'EBUSY', 'EACCES'];
    const pauses: number[] = [];
    let tries = 0;
    await renameWithRetry('a', 'b', {
      rename: () => {
        const code = failures[tries++];
        if (code) throw busy(code);
      },
      pause: async (ms) => {
        pauses.push(ms);
      },
    });
    expect(tries).toBe(4);
    expect(pauses).toEqual([100, 250, 500]);
  });

  test('a folder that stays busy fails after the last try, with the OS error', async () => {
    let tries = 0;
    const attempt = renameWithRetry('a', 'b', {
      rename: () => {
        tries++;
        throw busy('EBUSY');
      },
      pause: async () => undefined,
      backoffMs: [1, 1, 1],
    });
    await expect(attempt).rejects.toThrow(/EBUSY/);
    expect(tries).toBe(4);
  });

  test('any other error is not retried', async () => {
    let tries = 0;
    const attempt = renameWithRetry('a', 'b', {
      rename: () => {
        tries++;
        throw busy('ENOENT');
      },
      pause: async () => undefined,
    });
    await expect(attempt).rejects.toThrow(/ENOENT/);
    expect(tries).toBe(1);
  });

  test('a real folder is renamed', async () => {
    const dir = makeTempDir();
    fs.mkdirSync(path.join(dir, 'libs.partial-1'));
    fs.writeFileSync(path.join(dir, 'libs.partial-1', 'kafka.jar'), 'jar');
    await renameWithRetry(path.join(dir, 'libs.partial-1'), path.join(dir, 'libs'));
    expect(fs.readFileSync(path.join(dir, 'libs', 'kafka.jar'), 'utf8')).toBe('jar');
  });
});

describe('Docker Desktop gets time to answer (issue 19, item 7)', () => {
  test('Windows and macOS wait longer than Linux, whose engine answers at once', () => {
    expect(dockerInfoTimeoutMs('win32')).toBeGreaterThanOrEqual(15_000);
    expect(dockerInfoTimeoutMs('darwin')).toBe(dockerInfoTimeoutMs('win32'));
    expect(dockerInfoTimeoutMs('linux')).toBeLessThan(dockerInfoTimeoutMs('win32'));
  });

  test('a Docker that did not answer in time is named, not silently counted as absent', async () => {
    expect(dockerTimeoutMessage(20_000)).toMatch(/^Docker did not answer "docker info" within 20 s.*Docker Desktop/);
    // a docker CLI whose engine never answers, as Docker Desktop while it starts
    const bin = makeTempDir();
    fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    vi.stubEnv('PATH', `${bin}${path.delimiter}${process.env.PATH ?? ''}`);
    try {
      const said: string[] = [];
      await expect(dockerEngineAnswers(300, (message) => said.push(message))).resolves.toBe(false);
      expect(said).toEqual([dockerTimeoutMessage(300)]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('a pid file on Windows, where pids come back quickly (issue 19, item 6)', () => {
  /** Windows as process-table.ts asks it: PowerShell's tab-separated pid, parent, creation time, command. */
  const windows = (creationTime: string): ProcessSystem => ({
    platform: 'win32',
    readFile: () => undefined,
    readDir: () => [],
    run: (command, args) =>
      command === 'powershell.exe' && args.join(' ').includes('ProcessId=5124')
        ? `5124\t880\t${creationTime}\t"C:\\Program Files\\Java\\bin\\java.exe" kafka.Kafka\r\n`
        : undefined,
  });

  test('the creation time is kept, and a pid that now names another program is not stopped', () => {
    const file = path.join(makeTempDir(), 'kafka.pid');
    writePidFile(file, 5124, windows('134089056000000000'));
    const recorded = readPidFile(file)!;
    expect(recorded).toEqual({ pid: 5124, startTime: '134089056000000000' });
    const alive = () => true;
    expect(isRecordedProcess(recorded, windows('134089056000000000'), alive)).toBe(true);
    // after a reboot pid 5124 is, say, a browser: it started at another time
    expect(isRecordedProcess(recorded, windows('134089999000000000'), alive)).toBe(false);
  });
});
