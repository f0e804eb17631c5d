import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka } from 'kafkajs';
import { afterAll, describe, expect, test } from 'vitest';
import { JvmCluster } from '../../workshop/broker/cluster.ts';
import { serverProperties } from '../../workshop/broker/jvm-broker.ts';
import {
  describeNode,
  LOCAL_CLUSTER_PORTS,
  localCluster,
  startLocalCluster,
  stopLocalCluster,
} from '../../workshop/broker/local-cluster.ts';
import { freePort } from '../../workshop/broker/ports.ts';
import { kafkaConfig } from '../../workshop/config.ts';

const settings = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );

describe('npm run kafka -- --nodes 3', () => {
  test('the local cluster: brokers on 9092–9094, a controller on 9095, a folder per node', () => {
    const cluster = localCluster();
    expect(cluster.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093', '127.0.0.1:9094']);
    expect(LOCAL_CLUSTER_PORTS.controllerPort).toBe(9095);
    expect(new Set(cluster.nodes.map((n) => n.layout.dir)).size).toBe(4);
    expect(new Set(cluster.nodes.map((n) => n.pidFile)).size).toBe(4);
  });
});

describe('server.properties of a cluster node', () => {
  const cluster = new JvmCluster('/tmp/c', { brokerPorts: [9101, 9102, 9103], controllerPort: 9100 }, 'ephemeral');

  test('the controller listens for controllers only, on loopback', () => {
    const props = settings(serverProperties(cluster.node(0).layout));
    expect(props).toMatchObject({
      'process.roles': 'controller',
      'node.id': '0',
      listeners: 'CONTROLLER://127.0.0.1:9100',
      'controller.quorum.voters': '0@127.0.0.1:9100',
    });
    expect(props).not.toHaveProperty('advertised.listeners');
  });

  test('a broker listens for clients on loopback and follows the one controller', () => {
    const props = settings(serverProperties(cluster.node(2).layout));
    expect(props).toMatchObject({
      'process.roles': 'broker',
      'node.id': '2',
      listeners: 'PLAINTEXT://127.0.0.1:9102',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9102',
      'controller.quorum.voters': '0@127.0.0.1:9100',
      'offsets.topic.replication.factor': '3',
      'broker.session.timeout.ms': '3000',
    });
  });

  test('the single workshop broker is unchanged: one combined node', () => {
    const props = settings(serverProperties({ dir: '/tmp/single', port: 9092, controllerPort: 9093 }));
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'inter.broker.listener.name': 'PLAINTEXT',
      'offsets.topic.replication.factor': '1',
    });
  });

  test('a SASL broker asks clients to log in and keeps its own traffic on a plaintext loopback listener', () => {
    const props = settings(
      serverProperties({
        dir: '/tmp/s',
        port: 9200,
        controllerPort: 9201,
        sasl: { users: [{ name: 'alice', password: 'pw' }], internalPort: 9202 },
      }),
    );
    expect(props).toMatchObject({
      listeners: 'SASL_PLAINTEXT://127.0.0.1:9200,INTERNAL://127.0.0.1:9202,CONTROLLER://127.0.0.1:9201',
      'inter.broker.listener.name': 'INTERNAL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512,PLAIN',
    });
    expect(props['listener.name.sasl_plaintext.plain.sasl.jaas.config']).toContain('user_alice="pw"');
  });
});

describe('a real 3-node cluster, started the way npm run kafka -- --nodes 3 starts it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-workshop-cluster-test-'));
  let cluster: JvmCluster;

  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test('starts detached, reports each node, survives a killed broker, and stops every node', async () => {
    const ports = {
      brokerPorts: [await freePort(), await freePort(), await freePort()],
      controllerPort: await freePort(),
    };
    cluster = new JvmCluster(dir, ports, 'persistent');
    const lines: string[] = [];
    expect(await startLocalCluster((line) => lines.push(line), cluster)).toBe('started');
    expect(lines.at(-1)).toMatch(/^The cluster is ready after \d+\.\d s\. Stop it with: npm run kafka:stop$/);

    const status = await cluster.status();
    expect(status.map((s) => [s.node.role, s.node.id, s.alive, s.answering])).toEqual([
      ['controller', 0, true, true],
      ['broker', 1, true, true],
      ['broker', 2, true, true],
      ['broker', 3, true, true],
    ]);
    expect(describeNode(status[1]!)).toMatch(/^✅ broker 1 is answering on 127\.0\.0\.1:\d+ \(pid \d+\)\. Log: /);
    expect(await startLocalCluster(() => undefined, cluster)).toBe('already-running');

    const admin = new Kafka(kafkaConfig('cluster-test', cluster.brokers)).admin();
    try {
      await admin.connect();
      expect((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      await cluster.kill(2);
      expect(describeNode((await cluster.status())[2]!)).toMatch(/^⏹ {2}broker 2 is not running/);
      await cluster.restart([2]);
      expect((await cluster.status()).every((s) => s.alive && s.answering)).toBe(true);
    } finally {
      await admin.disconnect();
    }

    const stopped: string[] = [];
    await stopLocalCluster((line) => stopped.push(line), cluster);
    expect(stopped).toEqual([
      expect.stringMatching(/^Stopping the workshop cluster \(controller 0, pid \d+; broker 1, pid \d+; broker 2/),
      'Stopped.',
    ]);
    expect(cluster.nodes.map((node) => fs.existsSync(node.pidFile))).toEqual([false, false, false, false]);
    expect((await cluster.status()).some((s) => s.alive || s.answering)).toBe(false);
  }, 180_000);
});
