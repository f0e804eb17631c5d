import { expect, test } from 'vitest';
import { kafkaContainer, kafkaContainerEnvironment } from '../workshop/broker/containers.ts';
import { FAST_CHECK_SETTINGS, toDockerEnv } from '../workshop/broker/settings.ts';

// Describing a container needs no Docker engine; only start() would talk to one.
test('the test container publishes its port on 127.0.0.1 only', () => {
  expect(kafkaContainer(19092).portBindings()).toEqual({ '19092/tcp': [{ HostIp: '127.0.0.1', HostPort: '19092' }] });
});

test('the test container advertises the published port and carries the fast-check settings', () => {
  const env = kafkaContainerEnvironment(19092);
  expect(env.KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://127.0.0.1:19092');
  expect(env).toMatchObject(toDockerEnv(FAST_CHECK_SETTINGS));
});
