import { logLevel, type KafkaConfig } from 'kafkajs';
import { DEFAULT_BROKER } from './broker/version.ts';

/** A configuration mistake the learner can fix; the CLI prints its message as one line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses a comma-separated broker list such as "localhost:9092,10.0.0.2:9092".
 * Rejects what kafkajs would otherwise retry forever: a missing port, a scheme, spaces in a name.
 */
export function parseBrokerList(value: string, source = 'KAFKA_BROKERS'): string[] {
  const brokers = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (brokers.length === 0) throw new ConfigError(`${source} is empty: expected host:port, for example localhost:9092`);
  for (const broker of brokers) {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(broker);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) {
      throw new ConfigError(`${source} has "${broker}", which is not host:port (for example localhost:9092)`);
    }
  }
  return brokers;
}

/** The brokers named by KAFKA_BROKERS, or undefined when it is not set. */
export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const value = env.KAFKA_BROKERS;
  return value === undefined || value.trim() === '' ? undefined : parseBrokerList(value);
}

export function defaultBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  return brokersFromEnv(env) ?? [DEFAULT_BROKER];
}

/**
 * The kafkajs client configuration every entry point uses: checks, demo, doctor and bench.
 * Quiet (the CLI reports problems itself) and quick to give up, so a missing broker is a
 * clear message within seconds rather than a retry storm.
 */
export function kafkaConfig(clientId: string, brokers: string[] = defaultBrokers()): KafkaConfig {
  return {
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  };
}
