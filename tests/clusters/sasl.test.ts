import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { findOrStartBroker, NoBrokerError } from '../../workshop/broker/discover.ts';
import { startEphemeralJvmBroker, type RunningBroker } from '../../workshop/broker/ephemeral-broker.ts';
import { probeKafka } from '../../workshop/broker/probe.ts';
import { SASL_MECHANISMS } from '../../workshop/config.ts';
import { PROJECT_ROOT } from '../../workshop/paths.ts';

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
  return {
    KAFKA_BROKERS: broker.brokers.join(','),
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: alice.name,
    KAFKA_SASL_PASSWORD: password,
  };
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
      expect(message).toMatch(
        /^authentication failed for user alice \(SCRAM-SHA-256 as alice at 127\.0\.0\.1:\d+\): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD$/,
      );
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
const check = (env: Record<string, string>) =>
  run(['workshop/cli/launch.mjs', 'workshop/cli/check.ts', 'lesson-01', '--solution'], env);

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
    expect(lines, output).toEqual([
      expect.stringMatching(
        /^❌ authentication failed for user alice \(SCRAM-SHA-512 as alice at 127\.0\.0\.1:\d+\): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD$/,
      ),
    ]);
    expect(output).not.toMatch(/nothing is listening|No Kafka broker is running/);
    expect(status).toBe(1);
    console.log(`wrong credentials answered in ${Date.now() - started} ms, node start-up included`);
  }, 120_000);
});

describe('npm run doctor against the secured broker', () => {
  test('names the failed login in its round-trip line', () => {
    const { status, output } = run(['workshop/cli/doctor.mjs'], secured('plain', 'wrong'));
    expect(output).toMatch(
      /Round trip through Kafka failed: authentication failed for user alice \(PLAIN as alice at 127\.0\.0\.1:\d+\)/,
    );
    expect(status).toBe(1);
  }, 120_000);
});

describe('a SASL_SSL broker with a private certificate authority', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-workshop-tls-'));
  const storePassword = randomBytes(12).toString('hex');
  const caFile = path.join(dir, 'ca.pem');
  let tlsBroker: RunningBroker;

  beforeAll(async () => {
    // a self-signed certificate for 127.0.0.1 is its own authority: the client trusts it through KAFKA_SSL_CA_FILE
    const keystore = path.join(dir, 'broker.p12');
    const keytool = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'keytool') : 'keytool';
    const store = ['-keystore', keystore, '-storetype', 'PKCS12', '-storepass', storePassword];
    for (const args of [
      [
        '-genkeypair',
        '-alias',
        'broker',
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-validity',
        '2',
        '-dname',
        'CN=127.0.0.1',
        '-ext',
        'SAN=ip:127.0.0.1,dns:localhost',
        '-keypass',
        storePassword,
        ...store,
      ],
      ['-exportcert', '-rfc', '-alias', 'broker', '-file', caFile, ...store],
    ]) {
      const result = spawnSync(keytool, args, { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`keytool ${args[0]} failed: ${result.stderr || result.error?.message}`);
    }
    tlsBroker = await startEphemeralJvmBroker(() => undefined, {
      saslUsers: [alice],
      tls: { keystore, password: storePassword },
    });
  }, 120_000);

  afterAll(async () => {
    await tlsBroker?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const overTls = (settings: Record<string, string>) => ({
    ...secured('scram-sha-512', alice.password),
    KAFKA_BROKERS: tlsBroker.brokers.join(','),
    ...settings,
  });

  test('logs in over TLS when the authority comes from KAFKA_SSL_CA_FILE', async () => {
    withEnv(overTls({ KAFKA_SSL_CA_FILE: caFile }));
    try {
      expect(await probeKafka(tlsBroker.brokers)).toEqual({ ok: true, brokers: tlsBroker.brokers });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test("refuses a certificate that the system's authorities did not sign", async () => {
    withEnv(overTls({ KAFKA_SSL: 'true' }));
    try {
      const probe = await probeKafka(tlsBroker.brokers);
      expect(probe.ok).toBe(false);
      expect(probe.ok ? '' : probe.reason).toMatch(/certificate/i);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test('a wrong password over TLS is still the one clear line', async () => {
    withEnv(overTls({ KAFKA_SSL_CA_FILE: caFile, KAFKA_SASL_PASSWORD: 'wrong' }));
    try {
      const probe = await probeKafka(tlsBroker.brokers);
      expect(probe.ok ? '' : probe.reason).toMatch(
        /^authentication failed for user alice \(SCRAM-SHA-512 as alice, over TLS at 127\.0\.0\.1:\d+\)/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
