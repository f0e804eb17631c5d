import fs from 'node:fs';
import path from 'node:path';
import { displayPath, STATE_DIR } from '../paths.ts';
import { JvmCluster, type ClusterPorts, type NodeStatus } from './cluster.ts';
import { startEphemeralCluster, type RunningCluster } from './ephemeral-broker.ts';
import { brokerAddress, BrokerStartError } from './jvm-broker.ts';
import { LOCAL_LAYOUT, requireJava, runningPid, type StartOutcome } from './local-broker.ts';
import { portIsOpen, probeKafka } from './probe.ts';

/**
 * The learner's persistent 3-node cluster (`npm run kafka -- --nodes 3`): brokers on
 * 127.0.0.1:9092–9094 and their controller on 9095, detached, each with its folder, log and
 * pid file under .workshop/kafka-cluster. It takes 9092 like the single broker: one or the other.
 */
export const LOCAL_CLUSTER_PORTS = { brokerPorts: [9092, 9093, 9094], controllerPort: 9095 } as const;
export const LOCAL_CLUSTER_SIZE = LOCAL_CLUSTER_PORTS.brokerPorts.length;

export function localCluster(): JvmCluster {
  return new JvmCluster(path.join(STATE_DIR, 'kafka-cluster'), LOCAL_CLUSTER_PORTS, 'persistent');
}

/** True when a pid file of the local cluster names a live process: `kafka:stop` and `kafka:status` then include it. */
export function localClusterStarted(cluster = localCluster()): boolean {
  return cluster.nodes.some((node) => cluster.isRunning(node));
}

export async function startLocalCluster(log: (line: string) => void, cluster = localCluster()): Promise<StartOutcome> {
  const before = await cluster.status();
  if (before.every((s) => s.alive && s.answering)) {
    log(`The workshop's ${LOCAL_CLUSTER_SIZE}-node cluster is already running on ${cluster.brokers.join(', ')}.`);
    return 'already-running';
  }
  // the single broker and the cluster share port 9092; a cluster on other ports (tests) can run beside it
  const single = runningPid(LOCAL_LAYOUT);
  if (single !== undefined && cluster.brokers.includes(brokerAddress(LOCAL_LAYOUT))) {
    throw new BrokerStartError(
      `The single-node workshop broker (pid ${single}) holds port 9092. Stop it first with npm run kafka:stop, then start the cluster.`,
    );
  }
  for (const { node, alive } of before) {
    if (alive || !(await portIsOpen(node.address))) continue;
    const port = node.address.split(':')[1];
    if ((await probeKafka([node.address], 2000)).ok) {
      throw new BrokerStartError(
        `A Kafka broker that this workshop did not start answers on port ${port} (docker compose, or another copy of the workshop?). Stop it, then start the cluster.`,
      );
    }
    throw new BrokerStartError(
      `Port ${port} is taken by another program, so the workshop cluster cannot start. ` +
        `Stop that program (find it with: lsof -i :${port}, or netstat -ano on Windows), or run the single broker instead: npm run kafka.`,
    );
  }
  requireJava();

  const started = Date.now();
  const logs = displayPath(path.join(cluster.dir, '*', 'kafka.log'));
  log(
    `Starting a ${LOCAL_CLUSTER_SIZE}-node Kafka cluster: brokers on ${cluster.brokers.join(', ')}, its controller on 127.0.0.1:${LOCAL_CLUSTER_PORTS.controllerPort}; logs in ${logs}`,
  );
  try {
    await cluster.start(log);
  } catch (error) {
    await cluster.stop(log);
    throw error;
  }
  log(`The cluster is ready after ${((Date.now() - started) / 1000).toFixed(1)} s. Stop it with: npm run kafka:stop`);
  return 'started';
}

export async function stopLocalCluster(log: (line: string) => void, cluster = localCluster()): Promise<void> {
  const running = cluster.nodes.filter((node) => cluster.isRunning(node));
  if (running.length === 0) {
    log('No workshop cluster is running.');
    return;
  }
  log(
    `Stopping the workshop cluster (${running.map((node) => `${node.role} ${node.id}, pid ${cluster.pidOf(node)}`).join('; ')})…`,
  );
  await cluster.stop(log);
  log('Stopped.');
}

/**
 * A running cluster's folder (from startEphemeralCluster or JvmCluster) that commands use instead
 * of starting their own: the fault tests share one cluster among many `npm run check lesson-08`
 * runs, since each cluster costs four JVMs on a 2-core machine.
 */
export const BORROWED_CLUSTER_VARIABLE = 'WORKSHOP_CLUSTER_DIR';

/** The ports of a cluster folder's nodes, from their server.properties. */
export function clusterPortsIn(dir: string): ClusterPorts {
  const portOf = (node: string) => {
    const text = fs.readFileSync(path.join(dir, node, 'server.properties'), 'utf8');
    return Number(/^listeners=[A-Z_]+:\/\/[^:]+:(\d+)/m.exec(text)?.[1]);
  };
  const brokers = fs
    .readdirSync(dir)
    .filter((name) => /^broker-\d+$/.test(name))
    .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  return { brokerPorts: brokers.map(portOf), controllerPort: portOf('controller') };
}

async function borrowCluster(dir: string, log: (line: string) => void): Promise<RunningCluster> {
  // persistent: a node this command kills and starts again must outlive this command, like the rest
  const cluster = new JvmCluster(dir, clusterPortsIn(dir), 'persistent');
  await cluster.restart(
    cluster.nodes.map((node) => node.id),
    log,
  );
  log(`Using the cluster in ${dir} (${BORROWED_CLUSTER_VARIABLE}): brokers ${cluster.brokers.join(', ')}.`);
  return { cluster, brokers: cluster.brokers, stop: async () => undefined };
}

/** One line per node, for `npm run kafka:status`. */
export function describeNode({ node, pid, alive, answering }: NodeStatus): string {
  const what = node.role === 'controller' ? `controller ${node.id}` : `broker ${node.id}`;
  const log = displayPath(node.logFile);
  if (alive && answering) return `✅ ${what} is answering on ${node.address} (pid ${pid}). Log: ${log}`;
  if (alive) return `⚠️  ${what} (pid ${pid}) is running but not answering on ${node.address}. Log: ${log}`;
  return `⏹  ${what} is not running (${node.address}). Log: ${log}`;
}

/**
 * A cluster that may be killed: the learner's `npm run kafka -- --nodes 3` when every node of it
 * answers (stop() leaves it running), else a throw-away one on free ports (stop() removes it).
 */
export async function runningOrEphemeralCluster(log: (line: string) => void, purpose: string): Promise<RunningCluster> {
  const borrowed = process.env[BORROWED_CLUSTER_VARIABLE];
  if (borrowed) return borrowCluster(borrowed, log);
  const local = localCluster();
  if ((await local.status()).every((node) => node.alive && node.answering)) {
    log(`Using the running ${LOCAL_CLUSTER_SIZE}-node cluster on ${local.brokers.join(', ')}.`);
    return { cluster: local, brokers: local.brokers, stop: async () => undefined };
  }
  requireJava();
  log(
    `Starting a ${LOCAL_CLUSTER_SIZE}-node cluster for ${purpose}… (npm run kafka -- --nodes ${LOCAL_CLUSTER_SIZE} keeps one running)`,
  );
  const started = Date.now();
  const running = await startEphemeralCluster(log, LOCAL_CLUSTER_SIZE);
  log(
    `The cluster is ready after ${((Date.now() - started) / 1000).toFixed(1)} s: brokers ${running.brokers.join(', ')}.`,
  );
  return running;
}
