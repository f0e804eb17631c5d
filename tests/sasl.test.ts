import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { findOrStartBroker, NoBrokerError } from '../workshop/broker/discover.ts';
import { startEphemeralJvmBroker, type RunningBroker } from '../workshop/broker/ephemeral-broker.ts';
import { probeKafka } from '../workshop/broker/probe.ts';
import { SASL_MECHANISMS } from '../workshop/config.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

/**
 * A real broker with a SASL_PLAINTEXT listener on loopback, as a team cluster or a managed
 * service would have: the same configuration module must log in with the right credentials and
 * say "authentication failed for user X" with wrong ones. The passwords are made up per run.
 */
const alice = { name: 'alice', password: randomBytes(12).toString('hex') };
let broker: RunningBroker;

beforeAll(async () => {
  broker = await startEphemeralJvmBroker(() => undefined, { saslUsers: [alice] });
}, 120_000);

afterAll(async () => {
  await broker?.stop();
});

function secured(mechanism: string, password: string): Record<string, string> {
  return { KAFKA_BROKERS: broker.brokers.join(','), KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: alice.name, KAFKA_SASL_PASSWORD: password };
}

function withEnv(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}

describe('a secured KAFKA_BROKERS', () => {
  test.each(SASL_MECHANISMS)('logs in with %s and the right password', async (mechanism) => {
    withEnv(secured(mechanism, alice.password));
    try {
      expect(await probeKafka(broker.brokers)).toEqual({ ok: true, brokers: broker.brokers });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test('without credentials the broker does not answer, and nothing is blamed on a password', async () => {
    const probe = await probeKafka(broker.brokers);
    expect(probe.ok).toBe(false);
    expect(probe).not.toHaveProperty('authFailed');
  });

  test('a wrong password is one line: authentication failed for user alice', async () => {
    withEnv(secured('scram-sha-256', 'not-the-password'));
    try {
      const failure = await findOrStartBroker('persistent', () => undefined).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NoBrokerError);
      const message = (failure as Error).message;
      expect(message).toMatch(/^authentication failed for user alice \(SCRAM-SHA-256 as alice at 127\.0\.0\.1:\d+\): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD$/);
      expect(message.split('\n')).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

/** A workshop command, run as a learner runs it (without npm, which only adds its banner). */
function run(args: string[], env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
const check = (env: Record<string, string>) => run(['workshop/cli/launch.mjs', 'workshop/cli/check.ts', 'lesson-01', '--solution'], env);

describe('npm run check lesson-01 against the secured broker', () => {
  test('is green with the right credentials', () => {
    const { status, output } = check(secured('scram-sha-256', alice.password));
    expect(status, output).toBe(0);
    expect(output).toMatch(/\b5 passed, 0 failed\b/);
  }, 120_000);

  test('says "authentication failed for user alice" in one line with wrong ones', () => {
    const started = Date.now();
    const { status, output } = check(secured('scram-sha-512', 'wrong'));
    const lines = output.split('\n').filter((text) => text.includes('authentication failed'));
    expect(lines, output).toEqual([expect.stringMatching(/^❌ authentication failed for user alice \(SCRAM-SHA-512 as alice at 127\.0\.0\.1:\d+\): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD$/)]);
    expect(output).not.toMatch(/nothing is listening|No Kafka broker is running/);
    expect(status).toBe(1);
    console.log(`wrong credentials answered in ${Date.now() - started} ms, node start-up included`);
  }, 120_000);
});

describe('npm run doctor against the secured broker', () => {
  test('names the failed login in its round-trip line', () => {
    const { status, output } = run(['workshop/cli/doctor.mjs'], secured('plain', 'wrong'));
    expect(output).toMatch(/Round trip through Kafka failed: authentication failed for user alice \(PLAIN as alice at 127\.0\.0\.1:\d+\)/);
    expect(status).toBe(1);
  }, 120_000);
});
