import fs from 'node:fs';
import { expect, test } from 'vitest';
import { FAST_CHECK_SETTINGS, toDockerEnv } from '../workshop/broker/settings.ts';
import { KAFKA_IMAGE, KAFKA_VERSION } from '../workshop/broker/version.ts';
import { APICURIO_VERSION, CCOMPAT_PATH, REGISTRY_IMAGE } from '../workshop/registry/version.ts';

const read = (file: string) => fs.readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

test('the JVM broker pom pins the same Kafka version as everything else', () => {
  expect(read('workshop/broker/pom.xml')).toContain(`<kafka.version>${KAFKA_VERSION}</kafka.version>`);
});

test('docker-compose.yml runs the same Kafka image', () => {
  const images = [...read('docker-compose.yml').matchAll(/image:\s*(apache\/kafka:\S+)/g)].map((m) => m[1]);
  expect(images.length).toBeGreaterThan(0);
  expect(new Set(images)).toEqual(new Set([KAFKA_IMAGE]));
});

test('docker-compose.yml publishes every port on 127.0.0.1 only', () => {
  const ports = [...read('docker-compose.yml').matchAll(/^\s*-\s*"([^"]+)"\s*$/gm)]
    .map((m) => m[1]!)
    .filter((p) => /^\S*\d+:\d+$/.test(p));
  expect(ports.length).toBeGreaterThan(0);
  for (const port of ports) expect(port, `${port} is reachable from the network`).toMatch(/^127\.0\.0\.1:/);
});

test('docker-compose.yml carries every fast-check setting', () => {
  const compose = read('docker-compose.yml');
  for (const [name, value] of Object.entries(toDockerEnv(FAST_CHECK_SETTINGS))) {
    expect(compose, `${name} is missing from docker-compose.yml`).toMatch(new RegExp(`${name}: "?${value}"?`));
  }
});

test('settings become the apache/kafka image variables', () => {
  expect(toDockerEnv({ 'group.initial.rebalance.delay.ms': '0' })).toEqual({
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
  });
});

test('the schema registry is the same Apicurio Registry in the JVM build and in docker-compose.yml', () => {
  expect(read('workshop/registry/pom.xml')).toContain(`<apicurio.version>${APICURIO_VERSION}</apicurio.version>`);
  const images = [...read('docker-compose.yml').matchAll(/image:\s*(apicurio\/\S+)/g)].map((m) => m[1]);
  expect(images).toEqual([REGISTRY_IMAGE]);
  expect(read('docker-compose.yml')).toContain(
    `KAFKA_CLUSTERS_0_SCHEMAREGISTRY: http://schema-registry:8080${CCOMPAT_PATH}`,
  );
});
