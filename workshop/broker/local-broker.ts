import fs from 'node:fs';
import path from 'node:path';
import { displayPath, STATE_DIR } from '../paths.ts';
import { waitForGroupCoordinators } from './coordinators.ts';
import { installedJavaMajorVersion } from './java.ts';
import { ensureKafkaJars } from './jars.ts';
import {
  brokerAddress,
  BrokerStartError,
  prepareBrokerDir,
  spawnBroker,
  stopFileOf,
  waitUntilReady,
  type JvmBrokerLayout,
} from './jvm-broker.ts';
import { isRecordedProcess, readPidFile, writePidFile } from './pid-file.ts';
import { isAlive, killedNotice, stopProcess } from './process.ts';
import { portIsOpen, probeKafka } from './probe.ts';

/**
 * The learner's persistent broker (`npm run kafka`): a detached JVM on 127.0.0.1:9092 whose
 * data, log and pid file live in .workshop/kafka, so topics survive a restart.
 */
export const LOCAL_LAYOUT: JvmBrokerLayout = { dir: path.join(STATE_DIR, 'kafka'), port: 9092, controllerPort: 9093 };
export const MINIMUM_JAVA = 17;

const pidFile = (layout: JvmBrokerLayout) => path.join(layout.dir, 'broker.pid');
export const logFileOf = (layout: JvmBrokerLayout) => path.join(layout.dir, 'kafka.log');

/** The pid in the pid file, whether or not that process still runs (see isAlive and isOurs). */
export function readPid(layout: JvmBrokerLayout = LOCAL_LAYOUT): number | undefined {
  return readPidFile(pidFile(layout))?.pid;
}

/** The broker's pid when the pid file names a running process that is the one it recorded, not a reuse of its pid. */
export function runningPid(layout: JvmBrokerLayout = LOCAL_LAYOUT): number | undefined {
  const recorded = readPidFile(pidFile(layout));
  return recorded && isRecordedProcess(recorded) ? recorded.pid : undefined;
}

export function requireJava(): void {
  const java = installedJavaMajorVersion();
  if (java === undefined)
    throw new BrokerStartError('Java is not installed (or JAVA_HOME points nowhere). Install Java 17 or newer.');
  if (java < MINIMUM_JAVA)
    throw new BrokerStartError(`Java ${java} is too old for Kafka: install Java ${MINIMUM_JAVA} or newer.`);
}

export type StartOutcome = 'started' | 'already-running';

export async function startLocalBroker(
  log: (line: string) => void,
  layout: JvmBrokerLayout = LOCAL_LAYOUT,
): Promise<StartOutcome> {
  const address = brokerAddress(layout);
  const pid = readPid(layout);
  if (pid !== undefined) {
    if (runningPid(layout) === pid) {
      if ((await probeKafka([address], 3000)).ok) {
        log(`The workshop broker is already running on ${address} (pid ${pid}).`);
        return 'already-running';
      }
      throw new BrokerStartError(
        `The workshop broker (pid ${pid}) is running but not answering on ${address}. ` +
          `Look at ${displayPath(logFileOf(layout))}, or restart it: npm run kafka:stop, then npm run kafka.`,
      );
    }
    log(
      `Removing a stale pid file: broker pid ${pid} is no longer running (or that pid now belongs to another program).`,
    );
    fs.rmSync(pidFile(layout), { force: true });
  }

  for (const port of [layout.port, layout.controllerPort]) {
    if (!(await portIsOpen(`127.0.0.1:${port}`))) continue;
    if (port === layout.port && (await probeKafka([address], 3000)).ok) {
      log(`A Kafka broker is already answering on ${address} (not one this workshop started). The checks will use it.`);
      return 'already-running';
    }
    throw new BrokerStartError(
      `Port ${port} is taken by another program, so the workshop broker cannot start. ` +
        `Stop that program (find it with: lsof -i :${port}, or netstat -ano on Windows), or point the workshop at another broker with KAFKA_BROKERS.`,
    );
  }

  requireJava();
  const jarsDir = await ensureKafkaJars(log);
  await prepareBrokerDir(layout, jarsDir);
  const logFile = logFileOf(layout);
  log(`Starting Kafka on ${address}; its log is ${displayPath(logFile)}`);
  const child = spawnBroker(layout, jarsDir, { lifetime: 'persistent', logFile, log });
  writePidFile(pidFile(layout), child.pid!);
  try {
    await waitUntilReady(address, child.pid!, logFile);
    // answering is not yet ready for groups: until it has loaded its group coordinators, a first
    // check that commits or asks for a group's offsets meets "The coordinator is loading"
    await waitForGroupCoordinators([address]);
  } catch (error) {
    await stopProcess(child.pid!, { graceMs: 5000, stopFile: stopFileOf(layout) });
    fs.rmSync(pidFile(layout), { force: true });
    throw error;
  }
  log(`Kafka is ready on ${address} (pid ${child.pid}). Stop it with: npm run kafka:stop`);
  return 'started';
}

export async function stopLocalBroker(
  log: (line: string) => void,
  layout: JvmBrokerLayout = LOCAL_LAYOUT,
): Promise<void> {
  const pid = readPid(layout);
  if (pid === undefined) {
    log('No workshop broker is running.');
    return;
  }
  if (runningPid(layout) === pid) {
    log(`Stopping the workshop broker (pid ${pid})…`);
    const graceMs = 20_000;
    if ((await stopProcess(pid, { graceMs, stopFile: stopFileOf(layout) })) === 'killed')
      log(killedNotice('The workshop broker', pid, graceMs));
    log('Stopped.');
  } else {
    log(
      `The workshop broker (pid ${pid}) had already stopped${isAlive(pid) ? `; pid ${pid} now belongs to another program, which is left alone` : ''}; removing its stale pid file.`,
    );
  }
  fs.rmSync(pidFile(layout), { force: true });
}

export interface LocalBrokerStatus {
  pid?: number;
  alive: boolean;
  answering: boolean;
  address: string;
  logFile: string;
}

export async function localBrokerStatus(layout: JvmBrokerLayout = LOCAL_LAYOUT): Promise<LocalBrokerStatus> {
  const pid = readPid(layout);
  const address = brokerAddress(layout);
  const alive = pid !== undefined && runningPid(layout) === pid;
  const answering = (await probeKafka([address], 2000)).ok;
  return { pid, alive, answering, address, logFile: displayPath(logFileOf(layout)) };
}
