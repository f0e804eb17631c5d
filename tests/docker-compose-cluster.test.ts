import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { LOCAL_CLUSTER_PORTS } from '../workshop/broker/local-cluster.ts';
import { CLUSTER_SETTINGS, FAST_CHECK_SETTINGS, toDockerEnv } from '../workshop/broker/settings.ts';
import { KAFKA_IMAGE } from '../workshop/broker/version.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

/**
 * No Docker engine runs here, so the compose file's cluster profile is checked as data:
 * the same shape as `npm run kafka -- --nodes 3`, the pinned image, loopback-only ports.
 */
interface Service {
  image: string;
  profiles?: string[];
  ports?: string[];
  environment: Record<string, string | number>;
  depends_on?: string[] | Record<string, unknown>;
}
const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const cluster = Object.entries(compose.services).filter(([, service]) => service.profiles?.includes('cluster'));
const env = (service: Service) =>
  Object.fromEntries(Object.entries(service.environment).map(([key, value]) => [key, String(value)]));

describe('docker-compose.yml cluster profile', () => {
  test('is one controller and three brokers, all opt-in', () => {
    expect(cluster.map(([name]) => name)).toEqual(['controller', 'kafka-1', 'kafka-2', 'kafka-3']);
    expect(cluster.map(([, s]) => env(s).KAFKA_PROCESS_ROLES)).toEqual(['controller', 'broker', 'broker', 'broker']);
    expect(cluster.map(([, s]) => env(s).KAFKA_NODE_ID)).toEqual(['0', '1', '2', '3']);
    expect(compose.services.kafka?.profiles, 'the single broker stays the default').toBeUndefined();
  });

  test('uses the pinned Kafka image', () => {
    for (const [, service] of cluster) expect(service.image).toBe(KAFKA_IMAGE);
  });

  test('publishes the brokers on 127.0.0.1:9092–9094 only, each advertising the port it is published on', () => {
    const brokers = cluster.filter(([, s]) => env(s).KAFKA_PROCESS_ROLES === 'broker');
    expect(brokers.map(([, s]) => s.ports)).toEqual(
      LOCAL_CLUSTER_PORTS.brokerPorts.map((port) => [`127.0.0.1:${port}:${port}`]),
    );
    for (const [name, service] of brokers) {
      const port = service.ports![0]!.split(':')[1];
      expect(env(service).KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://127.0.0.1:${port},DOCKER://${name}:19092`);
    }
    expect(
      compose.services.controller?.ports,
      'the controller is reached inside the compose network only',
    ).toBeUndefined();
  });

  test('every node shares one cluster id, one controller quorum and the workshop cluster settings', () => {
    const wanted = toDockerEnv({ ...FAST_CHECK_SETTINGS, ...CLUSTER_SETTINGS });
    for (const [name, service] of cluster) {
      const values = env(service);
      expect(values.CLUSTER_ID, name).toBe(env(cluster[0]![1]).CLUSTER_ID);
      expect(values.KAFKA_CONTROLLER_QUORUM_VOTERS, name).toBe('0@controller:9093');
      expect(values, name).toMatchObject(wanted);
    }
  });

  test('takes the same port as the single broker, so the file says to run one or the other', () => {
    expect(compose.services.kafka?.ports).toContain('127.0.0.1:9092:9092');
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')).toMatch(
      /run one or\s*#?\s*the other/,
    );
  });
});
