import { brokersFromEnv } from '../config.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { dockerEngineAnswers, composeUpKafka } from './docker.ts';
import { cachedJarsDir } from './jars.ts';
import { installedJavaMajorVersion, mavenIsInstalled } from './java.ts';
import { probeKafka, type ProbeResult } from './probe.ts';
import { MINIMUM_JAVA, startLocalBroker } from './local-broker.ts';
import { startEphemeralJvmBroker } from './ephemeral-broker.ts';
import { DEFAULT_BROKER } from './version.ts';

/** Not a crash: the learner has no broker and must pick one of the three ways. */
export class NoBrokerError extends Error {
  override readonly name = 'NoBrokerError';
}

export type BrokerPlan =
  | { kind: 'use'; brokers: string[]; source: 'KAFKA_BROKERS' | 'localhost' }
  | { kind: 'start-docker' }
  | { kind: 'start-jvm' }
  | { kind: 'none'; why: string[] };

/** What the chooser may ask about the machine. Each question is asked only when needed. */
export interface MachineFacts {
  envBrokers(): string[] | undefined;
  kafkaAnswers(brokers: string[]): Promise<ProbeResult>;
  dockerEngine(): Promise<boolean>;
  javaMajorVersion(): number | undefined;
  /** The Kafka jars are cached or in KAFKA_HOME, or Maven is there to download them. */
  kafkaJarsObtainable(): boolean;
}

export const realMachine: MachineFacts = {
  envBrokers: () => brokersFromEnv(),
  kafkaAnswers: (brokers) => probeKafka(brokers),
  dockerEngine: () => dockerEngineAnswers(),
  javaMajorVersion: () => installedJavaMajorVersion(),
  kafkaJarsObtainable: () => cachedJarsDir() !== undefined || mavenIsInstalled(),
};

/**
 * The order from the design: KAFKA_BROKERS, then localhost:9092, then start one with Docker,
 * else with Java 17+, else explain. KAFKA_BROKERS is a promise from the learner, so when it
 * does not answer we say so instead of quietly starting something else.
 */
export async function chooseBroker(machine: MachineFacts): Promise<BrokerPlan> {
  const fromEnv = machine.envBrokers();
  if (fromEnv) {
    const probe = await machine.kafkaAnswers(fromEnv);
    if (probe.ok) return { kind: 'use', brokers: fromEnv, source: 'KAFKA_BROKERS' };
    // the broker is there; the login is wrong: one line that says so, and nothing about starting brokers
    if (probe.authFailed) throw new NoBrokerError(probe.reason);
    throw new NoBrokerError(
      `KAFKA_BROKERS is set to ${fromEnv.join(',')}, but ${probe.reason}. Start that broker, or unset KAFKA_BROKERS.`,
    );
  }
  const local = await machine.kafkaAnswers([DEFAULT_BROKER]);
  if (local.ok) return { kind: 'use', brokers: [DEFAULT_BROKER], source: 'localhost' };

  if (await machine.dockerEngine()) return { kind: 'start-docker' };
  const java = machine.javaMajorVersion();
  const javaIsNew = java !== undefined && java >= MINIMUM_JAVA;
  // the first Java start downloads Kafka with Maven: without it (and no jars yet) that start could only fail
  const jars = javaIsNew && machine.kafkaJarsObtainable();
  if (jars) return { kind: 'start-jvm' };
  return {
    kind: 'none',
    why: [
      `nothing answers on ${DEFAULT_BROKER}`,
      'no Docker engine answers',
      java === undefined
        ? 'Java is not installed'
        : javaIsNew
          ? `Java ${java} is here, but Maven is not, and it must download Apache Kafka once (or set KAFKA_HOME to an unpacked Kafka)`
          : `Java ${java} is older than ${MINIMUM_JAVA}`,
    ],
  };
}

export function threeWaysMessage(why: string[]): string {
  return [
    `No Kafka broker is running, and none could be started here (${why.join('; ')}).`,
    'Get one in any of these three ways, then run the command again:',
    '  1. With Docker:   docker compose up -d',
    '  2. With Java 17+: npm run kafka          (downloads Apache Kafka once, then starts in seconds)',
    '  3. Your own:      set KAFKA_BROKERS=host:port to a broker you already have',
  ].join('\n');
}

export interface FoundBroker {
  brokers: string[];
  /** Set for a broker this call started and that should be stopped when the caller is done. */
  stop?: () => Promise<void>;
}

/**
 * `persistent` (npm run check) leaves a started broker running for the next check;
 * `ephemeral` (npm test) starts a private one on free ports and hands back its stop().
 */
export async function findOrStartBroker(
  lifetime: 'persistent' | 'ephemeral',
  log: (line: string) => void,
  machine: MachineFacts = realMachine,
): Promise<FoundBroker> {
  const plan = await chooseBroker(machine);
  switch (plan.kind) {
    case 'use':
      return { brokers: plan.brokers };
    case 'start-docker':
      if (lifetime === 'ephemeral') {
        log('No broker is running: starting a throw-away Kafka container for the tests.');
        const { startKafkaContainer } = await import('./containers.ts');
        return startKafkaContainer();
      }
      await composeUpKafka(PROJECT_ROOT, log);
      return { brokers: [DEFAULT_BROKER] };
    case 'start-jvm':
      if (lifetime === 'ephemeral') {
        log('No broker is running: starting a throw-away JVM broker for the tests.');
        return startEphemeralJvmBroker(log);
      }
      log(
        'No broker is running: starting the workshop broker with Java (it keeps running; npm run kafka:stop stops it).',
      );
      await startLocalBroker(log);
      return { brokers: [DEFAULT_BROKER] };
    case 'none':
      throw new NoBrokerError(threeWaysMessage(plan.why));
  }
}
