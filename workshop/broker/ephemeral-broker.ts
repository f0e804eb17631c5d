import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureKafkaJars } from './jars.ts';
import {
  brokerAddress,
  prepareBrokerDir,
  spawnBroker,
  waitUntilReady,
  type JvmBrokerLayout,
  type SaslListener,
  type SaslUser,
} from './jvm-broker.ts';
import { killProcess } from './process.ts';
import { freePort } from './ports.ts';
import { JvmCluster } from './cluster.ts';
import { againOnNewPortsIfTaken, cleanUpAfterFailedStart } from './port-taken.ts';

export interface RunningBroker {
  brokers: string[];
  pid: number;
  logFile: string;
  stop: () => Promise<void>;
}

/**
 * A throw-away JVM broker on free ports in a temporary folder, for the test suite.
 * It is attached to this process and its folder is deleted when it stops.
 * With `saslUsers`, its client listener demands a SASL login (SCRAM-SHA-256/512 or PLAIN), as a
 * managed service does, over TLS too with `tls`; the broker's own traffic stays on a plaintext loopback listener.
 */
export function startEphemeralJvmBroker(
  log: (line: string) => void,
  options: { saslUsers?: readonly SaslUser[]; tls?: SaslListener['tls']; platform?: NodeJS.Platform } = {},
): Promise<RunningBroker> {
  return againOnNewPortsIfTaken(() => startOnFreePorts(log, options));
}

async function startOnFreePorts(
  log: (line: string) => void,
  options: { saslUsers?: readonly SaslUser[]; tls?: SaslListener['tls']; platform?: NodeJS.Platform },
): Promise<RunningBroker> {
  const jarsDir = await ensureKafkaJars(log);
  const layout: JvmBrokerLayout = {
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-workshop-')),
    port: await freePort(),
    controllerPort: await freePort(),
    // a test may start the broker with another OS's settings (Windows': no topic deletes)
    platform: options.platform,
    ...(options.saslUsers
      ? { sasl: { users: options.saslUsers, internalPort: await freePort(), tls: options.tls } }
      : {}),
  };
  await prepareBrokerDir(layout, jarsDir);
  const logFile = path.join(layout.dir, 'kafka.log');
  const child = spawnBroker(layout, jarsDir, { lifetime: 'ephemeral', logFile, log });
  const pid = child.pid!;
  // a normal exit kills it at once; any other end of this process closes its stdin, which ends it too
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    // its data is thrown away, so there is nothing to shut down cleanly
    await killProcess(pid);
    fs.rmSync(layout.dir, { recursive: true, force: true });
  };
  try {
    // the plaintext internal listener answers without a login, so readiness needs no credentials
    await waitUntilReady(layout.sasl ? `127.0.0.1:${layout.sasl.internalPort}` : brokerAddress(layout), pid, logFile);
  } catch (error) {
    return cleanUpAfterFailedStart(error, [logFile], stop);
  }
  return { brokers: [brokerAddress(layout)], pid, logFile, stop };
}

export interface RunningCluster {
  cluster: JvmCluster;
  brokers: string[];
  stop: () => Promise<void>;
}

/**
 * A throw-away cluster (a controller and `size` brokers) on free ports in a temporary folder,
 * attached to this process. Its data is thrown away, so stop() simply kills every node.
 */
export function startEphemeralCluster(log: (line: string) => void, size = 3): Promise<RunningCluster> {
  return againOnNewPortsIfTaken(() => startClusterOnFreePorts(log, size));
}

async function startClusterOnFreePorts(log: (line: string) => void, size: number): Promise<RunningCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-workshop-cluster-'));
  const brokerPorts: number[] = [];
  for (let i = 0; i < size; i++) brokerPorts.push(await freePort());
  const cluster = new JvmCluster(dir, { brokerPorts, controllerPort: await freePort() }, 'ephemeral');
  const stop = async () => {
    await Promise.all(cluster.nodes.map((node) => cluster.kill(node.id)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await cluster.start(log);
  } catch (error) {
    return cleanUpAfterFailedStart(
      error,
      cluster.nodes.map((node) => node.logFile),
      stop,
    );
  }
  return { cluster, brokers: cluster.brokers, stop };
}
