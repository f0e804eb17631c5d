import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { againOnNewPortsIfTaken, cleanUpAfterFailedStart } from '../broker/port-taken.ts';
import { freePort } from '../broker/ports.ts';
import { stopProcess } from '../broker/process.ts';
import { ensureRegistryBuild } from './build.ts';
import { registryUrl, spawnRegistry, waitUntilRegistryReady, warmUpRegistry } from './jvm-registry.ts';
import { requireJavaForRegistry } from './local-registry.ts';

export interface RunningRegistry {
  url: string;
  pid: number;
  logFile: string;
  stop: () => Promise<void>;
}

/**
 * A throw-away registry for the test suite: on a free loopback port, schemas in memory, attached
 * to this process (an interrupted run leaves no JVM behind), its log in a temporary folder.
 */
export function startEphemeralRegistry(log: (line: string) => void): Promise<RunningRegistry> {
  requireJavaForRegistry();
  return againOnNewPortsIfTaken(() => startOnFreePort(log));
}

async function startOnFreePort(log: (line: string) => void): Promise<RunningRegistry> {
  const appDir = await ensureRegistryBuild(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-registry-'));
  const port = await freePort();
  const logFile = path.join(dir, 'registry.log');
  const child = spawnRegistry({ appDir, port, logFile }, false);
  const pid = child.pid!;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopProcess(pid, 10_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = registryUrl({ port });
  try {
    await waitUntilRegistryReady(url, pid, logFile);
    await warmUpRegistry(url);
  } catch (error) {
    return cleanUpAfterFailedStart(error, [logFile], stop);
  }
  return { url, pid, logFile, stop };
}
