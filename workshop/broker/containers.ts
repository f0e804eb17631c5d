import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { freePort } from './ports.ts';
import { FAST_CHECK_SETTINGS, toDockerEnv } from './settings.ts';
import { KAFKA_IMAGE } from './version.ts';

/**
 * An ephemeral single-node broker in Docker for the test suite, on a free loopback port.
 * The host port is chosen first so that the broker can advertise it: clients are told to
 * reconnect to the address in the metadata, and a container cannot know its mapped port.
 */
export async function startKafkaContainer(): Promise<{ brokers: string[]; stop: () => Promise<void> }> {
  const port = await freePort();
  const container: StartedTestContainer = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      ...toDockerEnv(FAST_CHECK_SETTINGS),
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return { brokers: [`127.0.0.1:${port}`], stop: async () => void (await container.stop()) };
}
