import { dockerEngineAnswers, composeUpService } from '../broker/docker.ts';
import { installedJavaMajorVersion } from '../broker/java.ts';
import { MINIMUM_JAVA } from '../broker/local-broker.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { startEphemeralRegistry } from './ephemeral-registry.ts';
import { startLocalRegistry } from './local-registry.ts';
import { findRegistryAt, probeRegistry, registryUrlFromEnv, type RegistryProbe } from './probe.ts';
import { ccompatUrl, DEFAULT_REGISTRY_HOST } from './version.ts';
import { pause } from '../wait.ts';

/** Not a crash: the learner has no schema registry and must pick one of the ways. */
export class NoRegistryError extends Error {
  override readonly name = 'NoRegistryError';
}

export type RegistryPlan =
  | { kind: 'use'; url: string; source: 'SCHEMA_REGISTRY_URL' | 'localhost' }
  | { kind: 'start-docker' }
  | { kind: 'start-jvm' }
  | { kind: 'none'; why: string[] };

/** What the chooser may ask about the machine. Each question is asked only when needed. */
export interface RegistryMachineFacts {
  envUrl(): string | undefined;
  registryAnswers(url: string): Promise<RegistryProbe>;
  registryOnLocalPort(): Promise<RegistryProbe>;
  dockerEngine(): Promise<boolean>;
  javaMajorVersion(): number | undefined;
}

export const realRegistryMachine: RegistryMachineFacts = {
  envUrl: () => registryUrlFromEnv(),
  registryAnswers: (url) => probeRegistry(url),
  registryOnLocalPort: () => findRegistryAt(DEFAULT_REGISTRY_HOST),
  dockerEngine: () => dockerEngineAnswers(),
  javaMajorVersion: () => installedJavaMajorVersion(),
};

/**
 * The broker's order, for the registry: SCHEMA_REGISTRY_URL, then one answering on 127.0.0.1:8081,
 * then start one with Docker, else with Java 17+, else explain. SCHEMA_REGISTRY_URL is a promise
 * from the learner, so when it does not answer we say so instead of quietly starting another.
 */
export async function chooseRegistry(machine: RegistryMachineFacts): Promise<RegistryPlan> {
  const fromEnv = machine.envUrl();
  if (fromEnv) {
    const probe = await machine.registryAnswers(fromEnv);
    if (probe.ok) return { kind: 'use', url: fromEnv, source: 'SCHEMA_REGISTRY_URL' };
    throw new NoRegistryError(
      `SCHEMA_REGISTRY_URL is set to ${fromEnv}, but ${probe.reason}. Start that registry, or unset SCHEMA_REGISTRY_URL.`,
    );
  }
  const local = await machine.registryOnLocalPort();
  if (local.ok) return { kind: 'use', url: local.url, source: 'localhost' };

  if (await machine.dockerEngine()) return { kind: 'start-docker' };
  const java = machine.javaMajorVersion();
  if (java !== undefined && java >= MINIMUM_JAVA) return { kind: 'start-jvm' };
  return {
    kind: 'none',
    why: [
      `no schema registry answers on ${DEFAULT_REGISTRY_HOST}`,
      'no Docker engine answers',
      java === undefined ? 'Java is not installed' : `Java ${java} is older than ${MINIMUM_JAVA}`,
    ],
  };
}

export function noRegistryMessage(why: string[]): string {
  return [
    `No schema registry is running, and none could be started here (${why.join('; ')}).`,
    'Lesson 09 needs one. Get one in any of these three ways, then run the command again:',
    '  1. With Docker:   docker compose up -d schema-registry',
    '  2. With Java 17+: npm run registry       (builds Apicurio Registry once, then starts in seconds)',
    '  3. Your own:      set SCHEMA_REGISTRY_URL to a Confluent-compatible registry you already have',
  ].join('\n');
}

export interface FoundRegistry {
  /** The Confluent-compatible API's base URL, as @kafkajs/confluent-schema-registry wants it. */
  url: string;
  /** Set for a registry this call started and that should be stopped when the caller is done. */
  stop?: () => Promise<void>;
}

/**
 * `persistent` (npm run check, the demo) leaves a started registry running for next time;
 * `ephemeral` (npm test) starts a private one on a free port and hands back its stop().
 */
export async function findOrStartRegistry(
  lifetime: 'persistent' | 'ephemeral',
  log: (line: string) => void,
  machine: RegistryMachineFacts = realRegistryMachine,
): Promise<FoundRegistry> {
  const plan = await chooseRegistry(machine);
  switch (plan.kind) {
    case 'use':
      return { url: plan.url };
    case 'start-docker': {
      if (lifetime === 'ephemeral') {
        log('No schema registry is running: starting a throw-away registry container for the tests.');
        const { startRegistryContainer } = await import('./container.ts');
        return startRegistryContainer();
      }
      await composeUpService(PROJECT_ROOT, 'schema-registry', log, 'the schema registry');
      const url = ccompatUrl(DEFAULT_REGISTRY_HOST);
      await waitForComposeRegistry(url);
      return { url };
    }
    case 'start-jvm':
      if (lifetime === 'ephemeral') {
        log('No schema registry is running: starting a throw-away registry with Java for the tests.');
        return startEphemeralRegistry(log);
      }
      log(
        'No schema registry is running: starting the workshop registry with Java (it keeps running; npm run registry:stop stops it).',
      );
      await startLocalRegistry(log);
      return { url: ccompatUrl(DEFAULT_REGISTRY_HOST) };
    case 'none':
      throw new NoRegistryError(noRegistryMessage(plan.why));
  }
}

/** The container is "running" before the registry inside answers. */
async function waitForComposeRegistry(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if ((await probeRegistry(url, 1000)).ok) return;
    await pause(250);
  }
  throw new NoRegistryError(
    `the schema registry container did not answer at ${url} within 120 s: docker compose logs schema-registry`,
  );
}
