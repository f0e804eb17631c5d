import fs from 'node:fs';
import path from 'node:path';
import { kafkaConfig, newKafka } from '../config.ts';
import { ensureKafkaJars } from './jars.ts';
import {
  BrokerStartError,
  logTail,
  newClusterId,
  prepareBrokerDir,
  spawnBroker,
  stopFileOf,
  waitUntilReady,
  type JvmBrokerLayout,
} from './jvm-broker.ts';
import type { Lifetime } from './jvm-marker.ts';
import { isRecordedProcess, readPidFile, writePidFile } from './pid-file.ts';
import { isAlive, killedNotice, killProcess, stopProcess } from './process.ts';
import { portIsOpen, probeKafka } from './probe.ts';
import { CLUSTER_SETTINGS } from './settings.ts';
import { pause } from '../wait.ts';

/**
 * A Kafka cluster of JVMs on loopback: one controller that keeps the metadata (who leads which
 * partition, who is in sync) and N brokers that hold the data. Each node has its own folder,
 * log and pid file. The controller runs alone so that any broker, even two of three, can be
 * killed while the cluster still elects leaders and shrinks in-sync replica sets: with combined
 * broker+controller nodes, losing two of three would also lose the controller quorum.
 */
export interface ClusterPorts {
  brokerPorts: readonly number[];
  controllerPort: number;
}

export const CONTROLLER_ID = 0;

export interface ClusterNode {
  id: number;
  role: 'broker' | 'controller';
  /** host:port: the client listener of a broker, the controller listener of the controller. */
  address: string;
  layout: JvmBrokerLayout;
  logFile: string;
  pidFile: string;
}

export interface NodeStatus {
  node: ClusterNode;
  pid?: number;
  alive: boolean;
  answering: boolean;
}

export class JvmCluster {
  readonly nodes: readonly ClusterNode[];
  /** Ephemeral nodes die with this process (checks, tests); persistent ones outlive it (npm run kafka). */
  private readonly children = new Map<number, () => void>();

  constructor(
    readonly dir: string,
    ports: ClusterPorts,
    readonly lifetime: Lifetime,
  ) {
    const voters = `${CONTROLLER_ID}@127.0.0.1:${ports.controllerPort}`;
    const node = (id: number, role: ClusterNode['role'], port: number): ClusterNode => {
      const nodeDir = path.join(dir, role === 'controller' ? 'controller' : `broker-${id}`);
      return {
        id,
        role,
        address: `127.0.0.1:${port}`,
        layout: {
          dir: nodeDir,
          nodeId: id,
          roles: role,
          port,
          controllerPort: ports.controllerPort,
          quorumVoters: voters,
          // four JVMs share a laptop: small heaps, and the quick C1 compiler only, which halves the cold start
          jvmOptions: [
            '-Xms128m',
            role === 'controller' ? '-Xmx256m' : '-Xmx512m',
            '-XX:+UseSerialGC',
            '-XX:TieredStopAtLevel=1',
          ],
          extraSettings: CLUSTER_SETTINGS,
        },
        logFile: path.join(nodeDir, 'kafka.log'),
        pidFile: path.join(nodeDir, 'node.pid'),
      };
    };
    this.nodes = [
      node(CONTROLLER_ID, 'controller', ports.controllerPort),
      ...ports.brokerPorts.map((port, i) => node(i + 1, 'broker', port)),
    ];
  }

  get brokerNodes(): ClusterNode[] {
    return this.nodes.filter((n) => n.role === 'broker');
  }

  /** The bootstrap list for clients: every broker. */
  get brokers(): string[] {
    return this.brokerNodes.map((n) => n.address);
  }

  node(id: number): ClusterNode {
    const found = this.nodes.find((n) => n.id === id);
    if (!found) throw new Error(`the cluster has no node ${id}`);
    return found;
  }

  /** The node's pid, unless its pid file is stale (that process is gone, or the pid now belongs to another). */
  pidOf(node: ClusterNode): number | undefined {
    const recorded = readPidFile(node.pidFile);
    return recorded && isRecordedProcess(recorded) ? recorded.pid : undefined;
  }

  isRunning(node: ClusterNode): boolean {
    return this.pidOf(node) !== undefined;
  }

  /** Starts every node that is not running, and resolves once all brokers have registered. */
  async start(log: (line: string) => void): Promise<void> {
    const jarsDir = await ensureKafkaJars(log);
    const clusterId = this.clusterId() ?? newClusterId();
    const stopped = this.nodes.filter((n) => !this.isRunning(n));
    await Promise.all(stopped.map((node) => prepareBrokerDir(node.layout, jarsDir, clusterId)));
    await Promise.all(stopped.map((node) => this.launch(node, jarsDir)));
    await this.waitUntilWhole();
  }

  /** Starts killed nodes again and waits until the cluster counts them in. */
  async restart(ids: readonly number[], log: (line: string) => void = () => undefined): Promise<void> {
    const stopped = ids.map((id) => this.node(id)).filter((node) => !this.isRunning(node));
    if (stopped.length === 0) return;
    const jarsDir = await ensureKafkaJars(log);
    await Promise.all(stopped.map((node) => prepareBrokerDir(node.layout, jarsDir)));
    await Promise.all(stopped.map((node) => this.launch(node, jarsDir)));
    await this.waitUntilWhole();
  }

  /** The fault the lessons inject: the process dies at once, mid-write, with no goodbye to the cluster. */
  async kill(id: number): Promise<void> {
    const node = this.node(id);
    const pid = this.pidOf(node);
    if (pid !== undefined) await killProcess(pid);
    this.forget(node);
  }

  /**
   * A clean shutdown: brokers first (they hand over leadership through the controller), then the
   * controller. A node that does not stop within `graceMs` is killed, and `log` says so.
   */
  async stop(log: (line: string) => void = () => undefined, graceMs = 20_000): Promise<void> {
    const stopNode = async (node: ClusterNode) => {
      const pid = this.pidOf(node);
      if (pid !== undefined) {
        if ((await stopProcess(pid, { graceMs, stopFile: stopFileOf(node.layout) })) === 'killed')
          log(killedNotice(`Cluster ${node.role} ${node.id}`, pid, graceMs));
      }
      this.forget(node);
    };
    await Promise.all(this.brokerNodes.map(stopNode));
    await Promise.all(this.nodes.filter((n) => n.role === 'controller').map(stopNode));
  }

  async status(): Promise<NodeStatus[]> {
    return Promise.all(
      this.nodes.map(async (node) => {
        const pid = this.pidOf(node);
        const alive = pid !== undefined && isAlive(pid);
        const answering =
          node.role === 'broker' ? (await probeKafka([node.address], 2000)).ok : await portIsOpen(node.address);
        return { node, pid, alive, answering };
      }),
    );
  }

  /** Polls until every broker is registered with the controller, so a topic with one replica per broker can be created. */
  async waitUntilWhole(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const node of this.brokerNodes) {
      const pid = this.pidOf(node);
      if (pid === undefined) throw new BrokerStartError(`cluster broker ${node.id} is not running`);
      await waitUntilReady(node.address, pid, node.logFile, Math.max(deadline - Date.now(), 1000));
    }
    const admin = newKafka({ ...kafkaConfig('workshop-cluster', this.brokers), retry: { retries: 0 } }).admin();
    let registered = 0;
    try {
      await admin.connect();
      while (Date.now() < deadline) {
        registered = (await admin.describeCluster().catch(() => ({ brokers: [] }))).brokers.length;
        if (registered === this.brokerNodes.length) return;
        const dead = this.nodes.find((n) => !this.isRunning(n));
        if (dead)
          throw new BrokerStartError(
            `cluster node ${dead.id} exited during start-up. The end of ${dead.logFile}:\n${logTail(dead.logFile)}`,
          );
        await pause(100);
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    throw new BrokerStartError(
      `only ${registered} of ${this.brokerNodes.length} brokers joined the cluster within ${timeoutMs / 1000} s; see the kafka.log files in ${this.dir}`,
    );
  }

  /**
   * Waits until every running broker answers metadata for `topic`, and its partitions answer.
   * Right after a topic is created, a broker may not know it yet and answer "This server does not
   * host this topic-partition" (kafkajs#815); code that asks such a broker is not wrong, only early.
   */
  async waitForTopic(topic: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const node of this.brokerNodes.filter((n) => this.isRunning(n))) {
      // an admin that knows this broker alone asks it first for the topic's metadata
      const admin = newKafka({ ...kafkaConfig('workshop-cluster', [node.address]), retry: { retries: 0 } }).admin();
      let last = 'no answer';
      try {
        for (;;) {
          const known = await admin
            .connect()
            .then(() => admin.fetchTopicMetadata({ topics: [topic] }))
            .then(({ topics }) => (topics[0]?.partitions ?? []).every((p) => p.leader >= 0))
            // and its leaders answer for the partitions themselves, which KRaft creates a moment after the metadata (KAFKA-15780)
            .then((leaders) => leaders && admin.fetchTopicOffsets(topic).then(() => true))
            .catch((error: unknown) => void (last = error instanceof Error ? error.message : String(error)));
          if (known) break;
          if (Date.now() > deadline)
            throw new BrokerStartError(
              `broker ${node.id} did not learn of topic ${topic} within ${timeoutMs / 1000} s (${last})`,
            );
          await pause(100);
        }
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }

  private async launch(node: ClusterNode, jarsDir: string): Promise<void> {
    const child = spawnBroker(node.layout, jarsDir, {
      lifetime: this.lifetime,
      logFile: node.logFile,
      // a throw-away cluster's nodes delete the whole cluster folder when their owner is gone
      root: this.dir,
    });
    const pid = child.pid!;
    writePidFile(node.pidFile, pid);
    if (this.lifetime === 'ephemeral') {
      // a test run that is interrupted must not leave JVMs behind
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      this.children.set(node.id, () => process.off('exit', killOnExit));
    }
    if (node.role === 'controller') await this.waitForPort(node, pid);
  }

  private async waitForPort(node: ClusterNode, pid: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await portIsOpen(node.address))) {
      if (!isAlive(pid))
        throw new BrokerStartError(
          `the Kafka controller exited during start-up. The end of ${node.logFile}:\n${logTail(node.logFile)}`,
        );
      if (Date.now() > deadline)
        throw new BrokerStartError(`the Kafka controller did not open ${node.address} within ${timeoutMs / 1000} s`);
      await pause(100);
    }
  }

  private forget(node: ClusterNode): void {
    this.children.get(node.id)?.();
    this.children.delete(node.id);
    fs.rmSync(node.pidFile, { force: true });
  }

  /** Every node must be formatted with one cluster id; a node folder that was deleted rejoins with the others' id. */
  private clusterId(): string | undefined {
    for (const node of this.nodes) {
      try {
        const meta = fs.readFileSync(path.join(node.layout.dir, 'data', 'meta.properties'), 'utf8');
        const id = /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim();
        if (id) return id;
      } catch {
        // not formatted yet
      }
    }
    return undefined;
  }
}
