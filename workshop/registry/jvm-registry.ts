import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { javaCommand } from '../broker/java.ts';
import { logTail } from '../broker/jvm-broker.ts';
import { isAlive } from '../broker/process.ts';
import { RUNNER_JAR } from './build.ts';
import { probeRegistry } from './probe.ts';
import { ccompatUrl } from './version.ts';
import { pause } from '../wait.ts';

export class RegistryStartError extends Error {
  override readonly name = 'RegistryStartError';
}

export interface JvmRegistryLayout {
  /** The built registry (the folder holding quarkus-run.jar). */
  appDir: string;
  port: number;
  /** Where its schemas are kept across restarts (an H2 database file); in memory when absent. */
  dataDir?: string;
  logFile: string;
}

export function registryUrl(layout: Pick<JvmRegistryLayout, 'port'>): string {
  return ccompatUrl(`127.0.0.1:${layout.port}`);
}

/**
 * The JVM's flags and the registry's settings. A registry serves a few requests a second, so the
 * quick compiler alone and a small heap are plenty, and they start it seconds sooner on a busy laptop.
 */
export function registryJavaArgs(layout: JvmRegistryLayout): string[] {
  return [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    // 127.0.0.1, not 0.0.0.0: the workshop's registry is never reachable from the network
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.http.port=${layout.port}`,
    '-Dquarkus.banner.enabled=false',
    // a workshop needs few database connections; the registry's default opens twenty at start
    '-D%prod.quarkus.datasource.jdbc.initial-size=1',
    '-D%prod.quarkus.datasource.jdbc.min-size=1',
    // a failed start (its port taken, say) can leave a transaction open, which the shutdown then
    // waits out (quarkusio/quarkus#38164): 1 start in 10 on a busy machine hung for the default 60 s.
    // A registry's transactions take milliseconds; 5 s bounds that wait
    '-Dquarkus.transaction-manager.default-transaction-timeout=5s',
    '-jar',
    path.join(layout.appDir, RUNNER_JAR),
  ];
}

/**
 * When two clients register the same new schema at once, Apicurio's inserts wait on each other's
 * row locks: with H2's default lock wait, 6 concurrent registrations took up to 20 s a round (40
 * rounds), 5 s with a 500 ms wait, and under 2 s with 100 ms. The losers fail at once with HTTP
 * 500, the schema exists a moment later, and a retry succeeds: the checks retry exactly that.
 */
const LOCK_TIMEOUT_MS = 100;

/**
 * The H2 database URL the registry reads from REGISTRY_DATASOURCE_URL: a file under `dataDir`
 * (forward slashes on every OS), or memory that lives as long as the process.
 */
export function datasourceUrl(dataDir: string | undefined): string {
  const database = dataDir
    ? `file:${path.join(dataDir, 'registry').split(path.sep).join('/')}`
    : 'mem:registry_db;DB_CLOSE_DELAY=-1';
  return `jdbc:h2:${database};LOCK_TIMEOUT=${LOCK_TIMEOUT_MS}`;
}

export function spawnRegistry(layout: JvmRegistryLayout, detached: boolean): ChildProcess {
  if (layout.dataDir) fs.mkdirSync(layout.dataDir, { recursive: true });
  const logFd = fs.openSync(layout.logFile, 'a');
  const child = spawn(javaCommand(), registryJavaArgs(layout), {
    detached,
    stdio: ['ignore', logFd, logFd],
    windowsHide: true,
    env: { ...process.env, REGISTRY_DATASOURCE_URL: datasourceUrl(layout.dataDir) },
  });
  fs.closeSync(logFd);
  if (detached) child.unref();
  return child;
}

/** Polls until the registry answers, the process dies, or time runs out (a busy laptop may take a minute). */
export async function waitUntilRegistryReady(
  url: string,
  pid: number,
  logFile: string,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid))
      throw new RegistryStartError(
        `the schema registry exited during start-up. The end of ${logFile}:\n${logTail(logFile)}`,
      );
    if ((await probeRegistry(url, 1000)).ok) return;
    await pause(200);
  }
  throw new RegistryStartError(
    `the schema registry did not answer within ${timeoutMs / 1000} s. The end of ${logFile}:\n${logTail(logFile)}`,
  );
}

/**
 * One registration, then its deletion, right after start-up: the registry's first schema loads
 * its classes and creates its id sequence, which takes seconds on a busy laptop. Done here, the
 * first check does not pay for it, and two first registrations cannot race to create the sequence.
 */
export async function warmUpRegistry(url: string): Promise<void> {
  const subject = `${url}/subjects/workshop-warm-up-${process.pid}`;
  const headers = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };
  const schema = JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'WarmUp', fields: [] }) });
  try {
    await fetch(`${subject}/versions`, { method: 'POST', headers, body: schema, signal: AbortSignal.timeout(60_000) });
    await fetch(subject, { method: 'DELETE', signal: AbortSignal.timeout(30_000) });
  } catch {
    // a registry that answered a moment ago will show its trouble to the first real request, with its own message
  }
}
