import { GenericContainer, Wait } from 'testcontainers';
import { freePort } from './ports.ts';
import { FAST_CHECK_SETTINGS, toDockerEnv } from './settings.ts';
import { KAFKA_IMAGE } from './version.ts';

/** testcontainers publishes a fixed host port on every interface; the workshop binds loopback only. */
export class LoopbackContainer extends GenericContainer {
  withLoopbackPort(port: number): this {
    this.withExposedPorts({ container: port, host: port });
    const bindings: unknown = this.hostConfig.PortBindings;
    this.hostConfig.PortBindings = {
      ...(bindings as Record<string, unknown>),
      [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(port) }],
    };
    return this;
  }

  portBindings(): unknown {
    return this.hostConfig.PortBindings;
  }
}

/** The apache/kafka image's settings for one KRaft node that clients reach on 127.0.0.1:port. */
export function kafkaContainerEnvironment(port: number): Record<string, string> {
  return {
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    ...toDockerEnv(FAST_CHECK_SETTINGS),
  };
}

/**
 * The container, described but not started. The host port is chosen first so that the broker
 * can advertise it: clients reconnect to the address in the metadata, and a container cannot
 * know which port Docker mapped for it.
 */
export function kafkaContainer(port: number): LoopbackContainer {
  return new LoopbackContainer(KAFKA_IMAGE)
    .withLoopbackPort(port)
    .withEnvironment(kafkaContainerEnvironment(port))
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/));
}

/** An ephemeral single-node broker in Docker for the test suite, on a free loopback port. */
export async function startKafkaContainer(): Promise<{ brokers: string[]; stop: () => Promise<void> }> {
  const port = await freePort();
  const container = await kafkaContainer(port).start();
  return { brokers: [`127.0.0.1:${port}`], stop: async () => void (await container.stop()) };
}
