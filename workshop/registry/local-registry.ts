import fs from 'node:fs';
import path from 'node:path';
import { installedJavaMajorVersion } from '../broker/java.ts';
import { MINIMUM_JAVA } from '../broker/local-broker.ts';
import { portIsOpen } from '../broker/probe.ts';
import { isAlive, stopProcess } from '../broker/process.ts';
import { displayPath, STATE_DIR } from '../paths.ts';
import { ensureRegistryBuild } from './build.ts';
import {
  registryUrl,
  RegistryStartError,
  spawnRegistry,
  waitUntilRegistryReady,
  warmUpRegistry,
} from './jvm-registry.ts';
import { findRegistryAt } from './probe.ts';
import { REGISTRY_PORT } from './version.ts';

/**
 * The learner's persistent registry (`npm run registry`): a detached JVM on 127.0.0.1:8081 whose
 * schemas (an H2 database), log and pid file live in .workshop/registry, so the schemas of the
 * Avro messages on a topic survive a restart, as the messages do.
 */
export interface LocalRegistryLayout {
  dir: string;
  port: number;
}
export const LOCAL_REGISTRY: LocalRegistryLayout = { dir: path.join(STATE_DIR, 'registry'), port: REGISTRY_PORT };

const pidFile = (layout: LocalRegistryLayout) => path.join(layout.dir, 'registry.pid');
export const registryLogFile = (layout: LocalRegistryLayout = LOCAL_REGISTRY) => path.join(layout.dir, 'registry.log');

export function readRegistryPid(layout: LocalRegistryLayout = LOCAL_REGISTRY): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile(layout), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function requireJavaForRegistry(): void {
  const java = installedJavaMajorVersion();
  if (java === undefined)
    throw new RegistryStartError('Java is not installed (or JAVA_HOME points nowhere). Install Java 17 or newer.');
  if (java < MINIMUM_JAVA)
    throw new RegistryStartError(
      `Java ${java} is too old for the schema registry: install Java ${MINIMUM_JAVA} or newer.`,
    );
}

export async function startLocalRegistry(
  log: (line: string) => void,
  layout: LocalRegistryLayout = LOCAL_REGISTRY,
): Promise<'started' | 'already-running'> {
  const url = registryUrl(layout);
  const hostPort = `127.0.0.1:${layout.port}`;
  const pid = readRegistryPid(layout);
  if (pid !== undefined) {
    if (isAlive(pid)) {
      if ((await findRegistryAt(hostPort)).ok) {
        log(`The workshop's schema registry is already running at ${url} (pid ${pid}).`);
        return 'already-running';
      }
      throw new RegistryStartError(
        `The workshop's schema registry (pid ${pid}) is running but not answering at ${url}. ` +
          `Look at ${displayPath(registryLogFile(layout))}, or restart it: npm run registry:stop, then npm run registry.`,
      );
    }
    log(`Removing a stale pid file: registry pid ${pid} is no longer running.`);
    fs.rmSync(pidFile(layout), { force: true });
  }

  if (await portIsOpen(hostPort)) {
    const found = await findRegistryAt(hostPort);
    if (found.ok) {
      log(
        `A schema registry is already answering at ${found.url} (not one this workshop started). The checks will use it.`,
      );
      return 'already-running';
    }
    throw new RegistryStartError(
      `Port ${layout.port} is taken by another program, so the workshop's schema registry cannot start. ` +
        `Stop that program (find it with: lsof -i :${layout.port}, or netstat -ano on Windows), or point the workshop at another registry with SCHEMA_REGISTRY_URL.`,
    );
  }

  requireJavaForRegistry();
  const appDir = await ensureRegistryBuild(log);
  fs.mkdirSync(layout.dir, { recursive: true });
  const logFile = registryLogFile(layout);
  log(`Starting the schema registry at ${url}; its log is ${displayPath(logFile)}`);
  const started = Date.now();
  const child = spawnRegistry({ appDir, port: layout.port, dataDir: path.join(layout.dir, 'data'), logFile }, true);
  fs.writeFileSync(pidFile(layout), `${child.pid}\n`);
  try {
    await waitUntilRegistryReady(url, child.pid!, logFile);
    await warmUpRegistry(url);
  } catch (error) {
    await stopProcess(child.pid!, 5000);
    fs.rmSync(pidFile(layout), { force: true });
    throw error;
  }
  log(
    `The schema registry is ready at ${url} after ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid}). Stop it with: npm run registry:stop`,
  );
  return 'started';
}

export async function stopLocalRegistry(
  log: (line: string) => void,
  layout: LocalRegistryLayout = LOCAL_REGISTRY,
): Promise<void> {
  const pid = readRegistryPid(layout);
  if (pid === undefined) {
    log('No schema registry started by the workshop is running.');
    return;
  }
  if (isAlive(pid)) {
    log(`Stopping the schema registry (pid ${pid})…`);
    await stopProcess(pid, 10_000);
    log('Stopped.');
  } else {
    log(`The schema registry (pid ${pid}) had already stopped; removing its stale pid file.`);
  }
  fs.rmSync(pidFile(layout), { force: true });
}

export interface LocalRegistryStatus {
  pid?: number;
  alive: boolean;
  /** The URL that answered, when one did. */
  answeringAt?: string;
  url: string;
  logFile: string;
}

export async function localRegistryStatus(layout: LocalRegistryLayout = LOCAL_REGISTRY): Promise<LocalRegistryStatus> {
  const pid = readRegistryPid(layout);
  const found = await findRegistryAt(`127.0.0.1:${layout.port}`, 2000);
  return {
    pid,
    alive: pid !== undefined && isAlive(pid),
    answeringAt: found.ok ? found.url : undefined,
    url: registryUrl(layout),
    logFile: displayPath(registryLogFile(layout)),
  };
}
