import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { Kafka, KafkaConfig, SASLOptions } from 'kafkajs';
import { DEFAULT_BROKER } from './broker/version.ts';
import { workshopEnv } from './env.ts';
import { kafkajs, registerCompressionCodecs } from './kafka/codecs.ts';

/** A configuration mistake the learner can fix; the CLI prints its message as one line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses a comma-separated broker list such as "localhost:9092,10.0.0.2:9092".
 * Rejects what kafkajs would otherwise retry forever: a missing port, a scheme, spaces in a name.
 */
export function parseBrokerList(value: string, source = 'KAFKA_BROKERS'): string[] {
  const brokers = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
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

/** The brokers named by KAFKA_BROKERS (in the environment or .env), or undefined when it is not set. */
export function brokersFromEnv(env: NodeJS.ProcessEnv = workshopEnv()): string[] | undefined {
  const value = env.KAFKA_BROKERS;
  return value === undefined || value.trim() === '' ? undefined : parseBrokerList(value);
}

export function defaultBrokers(env: NodeJS.ProcessEnv = workshopEnv()): string[] {
  return brokersFromEnv(env) ?? [DEFAULT_BROKER];
}

/**
 * WORKSHOP_LEARNER (for example "alice") puts "alice." in front of every topic, consumer group and
 * client id the checks make: a room of learners on one shared cluster never meet, and a managed
 * service can grant each learner the prefix "alice." and nothing else.
 */
export function learnerPrefix(env: NodeJS.ProcessEnv = workshopEnv()): string {
  const name = env.WORKSHOP_LEARNER?.trim();
  if (!name) return '';
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(name)) {
    throw new ConfigError(
      `WORKSHOP_LEARNER is "${name}": use up to 40 letters, digits, - or _ (it starts every topic name)`,
    );
  }
  return `${name}.`;
}

/** How to log in to and encrypt the connection to a secured cluster: a team's, or a managed service. */
export interface BrokerSecurity {
  sasl?: SASLOptions & { mechanism: SaslMechanism; username: string; password: string };
  ssl?: true | ConnectionOptions;
}

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/**
 * Reads the optional security settings:
 * - KAFKA_SASL_MECHANISM (plain, scram-sha-256 or scram-sha-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
 * - KAFKA_SSL=true for TLS with the system's certificate authorities; KAFKA_SSL_CA_FILE (a PEM file)
 *   for a private one, which implies TLS; KAFKA_SSL_CERT_FILE with KAFKA_SSL_KEY_FILE for a client certificate.
 * They belong to KAFKA_BROKERS: credentials are only ever sent to the brokers the learner named.
 */
export function securityFromEnv(env: NodeJS.ProcessEnv = workshopEnv()): BrokerSecurity {
  const security: BrokerSecurity = {};
  const mechanism = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  if (mechanism) {
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new ConfigError(`KAFKA_SASL_MECHANISM is "${env.KAFKA_SASL_MECHANISM}": use ${SASL_MECHANISMS.join(', ')}`);
    }
    if (!username) throw new ConfigError(`KAFKA_SASL_MECHANISM is ${mechanism}, but KAFKA_SASL_USERNAME is not set`);
    if (password === undefined || password === '')
      throw new ConfigError(`KAFKA_SASL_MECHANISM is ${mechanism}, but KAFKA_SASL_PASSWORD is not set`);
    security.sasl = { mechanism: mechanism as SaslMechanism, username, password };
  } else if (username || password) {
    throw new ConfigError(
      `KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set without KAFKA_SASL_MECHANISM: set it to ${SASL_MECHANISMS.join(', ')}`,
    );
  }

  const ssl = parseFlag(env.KAFKA_SSL, 'KAFKA_SSL');
  const ca = env.KAFKA_SSL_CA_FILE ? [readPem(env.KAFKA_SSL_CA_FILE, 'KAFKA_SSL_CA_FILE')] : undefined;
  const certFile = env.KAFKA_SSL_CERT_FILE;
  const keyFile = env.KAFKA_SSL_KEY_FILE;
  if (Boolean(certFile) !== Boolean(keyFile))
    throw new ConfigError('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: set both, or neither');
  const client =
    certFile && keyFile
      ? { cert: readPem(certFile, 'KAFKA_SSL_CERT_FILE'), key: readPem(keyFile, 'KAFKA_SSL_KEY_FILE') }
      : {};
  if (ssl === false && (ca || certFile))
    throw new ConfigError('KAFKA_SSL is false, but a KAFKA_SSL_*_FILE is set: remove one of them');
  if (ca || certFile) security.ssl = { ...(ca ? { ca } : {}), ...client };
  else if (ssl) security.ssl = true;

  if ((security.sasl || security.ssl) && !brokersFromEnv(env)) {
    throw new ConfigError(
      'KAFKA_SASL_* or KAFKA_SSL* is set, but KAFKA_BROKERS is not: name the secured brokers in KAFKA_BROKERS',
    );
  }
  return security;
}

function parseFlag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  throw new ConfigError(`${name} is "${value}": use true or false`);
}

function readPem(file: string, name: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`${name} names ${file}, which cannot be read`);
  }
}

/** "SCRAM-SHA-256 as alice, over TLS": how the workshop logs in, for messages. */
export function describeSecurity(security: BrokerSecurity): string {
  const parts = [
    security.sasl ? `${security.sasl.mechanism.toUpperCase()} as ${security.sasl.username}` : undefined,
    security.ssl ? 'over TLS' : undefined,
  ];
  return parts.filter(Boolean).join(', ') || 'no login, no TLS';
}

/** The security for a client of `brokers`: KAFKA_BROKERS' settings for KAFKA_BROKERS, none for any other broker. */
export function securityFor(brokers: readonly string[], env: NodeJS.ProcessEnv = workshopEnv()): BrokerSecurity {
  const named = brokersFromEnv(env);
  const same =
    named !== undefined && named.length === brokers.length && named.every((broker) => brokers.includes(broker));
  return same ? securityFromEnv(env) : {};
}

/**
 * The kafkajs client configuration every entry point uses: checks, demo, doctor and bench.
 * Quiet (the CLI reports problems itself) and quick to give up, so a missing broker is a
 * clear message within seconds rather than a retry storm. A secured KAFKA_BROKERS gets its
 * login and TLS settings here, so every entry point connects the same way. And every client
 * made from it, the learner's lesson code included, reads and writes all of Kafka's codecs.
 */
export function kafkaConfig(clientId: string, brokers?: string[], env: NodeJS.ProcessEnv = workshopEnv()): KafkaConfig {
  registerCompressionCodecs();
  const list = brokers ?? defaultBrokers(env);
  return {
    clientId,
    brokers: list,
    logLevel: kafkajs().logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    ...securityFor(list, env),
  };
}

/** A kafkajs client; kafkajs itself loads at the first one (see kafka/codecs.ts for why). */
export function newKafka(config: KafkaConfig): Kafka {
  const { Kafka: KafkaClient } = kafkajs();
  return new KafkaClient(config);
}
