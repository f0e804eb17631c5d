import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { JarsError } from '../workshop/broker/jars.ts';
import { ConfigError } from '../workshop/config.ts';
import { cachedRegistryBuild, ensureRegistryBuild, registryCacheDir } from '../workshop/registry/build.ts';
import {
  chooseRegistry,
  findOrStartRegistry,
  NoRegistryError,
  type RegistryMachineFacts,
} from '../workshop/registry/discover.ts';
import { registryUrlFromEnv } from '../workshop/registry/probe.ts';

/** A machine as the chooser sees it; each question it was not meant to ask fails the test. */
function machine(facts: Partial<RegistryMachineFacts>): RegistryMachineFacts {
  const unexpected = (what: string) => () => {
    throw new Error(`the chooser asked about ${what}, which it should not need`);
  };
  return {
    envUrl: () => undefined,
    registryAnswers: unexpected('SCHEMA_REGISTRY_URL'),
    registryOnLocalPort: async () => ({ ok: false, reason: 'nothing is listening on 127.0.0.1:8081' }),
    dockerEngine: async () => false,
    javaMajorVersion: () => undefined,
    ...facts,
  };
}

describe('choosing a schema registry', () => {
  test('SCHEMA_REGISTRY_URL comes first, and nothing else is asked', async () => {
    const plan = await chooseRegistry(
      machine({
        envUrl: () => 'http://registry.example:8081',
        registryAnswers: async (url) => ({ ok: true, url }),
        registryOnLocalPort: () => Promise.reject(new Error('asked the local port')),
      }),
    );
    expect(plan).toEqual({ kind: 'use', url: 'http://registry.example:8081', source: 'SCHEMA_REGISTRY_URL' });
  });

  test('a SCHEMA_REGISTRY_URL that does not answer is said so, in one line, instead of starting another', async () => {
    const failure = await chooseRegistry(
      machine({
        envUrl: () => 'http://127.0.0.1:1/apis/ccompat/v7',
        registryAnswers: async () => ({ ok: false, reason: 'nothing is listening on 127.0.0.1:1' }),
        dockerEngine: () => Promise.reject(new Error('asked Docker')),
      }),
    ).catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(NoRegistryError);
    expect((failure as Error).message).toBe(
      'SCHEMA_REGISTRY_URL is set to http://127.0.0.1:1/apis/ccompat/v7, but nothing is listening on 127.0.0.1:1. Start that registry, or unset SCHEMA_REGISTRY_URL.',
    );
  });

  test('then a registry on 127.0.0.1:8081, then Docker, then Java', async () => {
    const local = 'http://127.0.0.1:8081/apis/ccompat/v7';
    expect(await chooseRegistry(machine({ registryOnLocalPort: async () => ({ ok: true, url: local }) }))).toEqual({
      kind: 'use',
      url: local,
      source: 'localhost',
    });
    expect(await chooseRegistry(machine({ dockerEngine: async () => true }))).toEqual({ kind: 'start-docker' });
    expect(await chooseRegistry(machine({ javaMajorVersion: () => 17 }))).toEqual({ kind: 'start-jvm' });
  });

  test('with none of them, one message names the three ways and why none worked', async () => {
    const failure = await findOrStartRegistry('persistent', () => undefined, machine({ javaMajorVersion: () => 11 }))
      .then(() => undefined)
      .catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(NoRegistryError);
    const message = failure!.message;
    expect(message).toContain('No schema registry is running, and none could be started here');
    expect(message).toContain('Java 11 is older than 17');
    expect(message).toContain('docker compose up -d schema-registry');
    expect(message).toContain('npm run registry');
    expect(message).toContain('SCHEMA_REGISTRY_URL');
  });
});

test('SCHEMA_REGISTRY_URL must be an http(s) URL', () => {
  expect(registryUrlFromEnv({ SCHEMA_REGISTRY_URL: 'http://localhost:8081/apis/ccompat/v7/' })).toBe(
    'http://localhost:8081/apis/ccompat/v7',
  );
  expect(registryUrlFromEnv({ SCHEMA_REGISTRY_URL: ' ' })).toBeUndefined();
  expect(() => registryUrlFromEnv({ SCHEMA_REGISTRY_URL: 'localhost:8081' })).toThrow(ConfigError);
  expect(() => registryUrlFromEnv({ SCHEMA_REGISTRY_URL: 'registry' })).toThrow(/not a URL \(for example http:/);
});

describe('the registry build in the cache', () => {
  const temp: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-build-test-'));
    temp.push(dir);
    return dir;
  };
  afterAll(() => temp.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  test('a half-built registry is not mistaken for a build; a finished one is used as it is', async () => {
    const env: NodeJS.ProcessEnv = { KAFKA_WORKSHOP_CACHE: tempDir(), PATH: tempDir() };
    const dir = registryCacheDir(env);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'quarkus-run.jar'), 'half a jar');
    expect(cachedRegistryBuild(env)).toBeUndefined();
    fs.writeFileSync(path.join(dir, '.complete'), 'done\n');
    const lines: string[] = [];
    expect(await ensureRegistryBuild((line) => lines.push(line), env)).toBe(dir);
    expect(lines, 'a finished build is not built again').toEqual([]);
  });

  test('without Maven the learner is told what to install or what to use instead, in one sentence', async () => {
    const env: NodeJS.ProcessEnv = { KAFKA_WORKSHOP_CACHE: tempDir(), PATH: tempDir() };
    fs.mkdirSync(`${registryCacheDir(env)}.partial-999999`, { recursive: true });
    const failure = await ensureRegistryBuild(() => undefined, env).catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(JarsError);
    expect((failure as Error).message).toBe(
      'Maven (mvn) is not installed. Install Maven, or point the workshop at a registry of your own with SCHEMA_REGISTRY_URL.',
    );
    expect(fs.existsSync(`${registryCacheDir(env)}.partial-999999`), 'an abandoned partial build was left behind').toBe(
      false,
    );
  });
});
