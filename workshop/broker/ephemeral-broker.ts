import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureKafkaJars } from './jars.ts';
import { brokerAddress, prepareBrokerDir, spawnBroker, waitUntilReady, type JvmBrokerLayout } from './jvm-broker.ts';
import { stopProcess } from './process.ts';
import { freePort } from './ports.ts';

export interface RunningBroker {
  brokers: string[];
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * A throw-away JVM broker on free ports in a temporary folder, for the test suite.
 * It is attached to this process and its folder is deleted when it stops.
 */
export async function startEphemeralJvmBroker(log: (line: string) => void): Promise<RunningBroker> {
  const jarsDir = await ensureKafkaJars(log);
  const layout: JvmBrokerLayout = {
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-workshop-')),
    port: await freePort(),
    controllerPort: await freePort(),
  };
  prepareBrokerDir(layout, jarsDir);
  const logFile = path.join(layout.dir, 'kafka.log');
  const child = spawnBroker(layout, jarsDir, { detached: false, logFile });
  const pid = child.pid!;
  // a test run that is interrupted must not leave a JVM behind
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopProcess(pid, 10_000);
    fs.rmSync(layout.dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(brokerAddress(layout), pid, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { brokers: [brokerAddress(layout)], pid, logFile, stop };
}
