import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  ConfigError,
  describeSecurity,
  kafkaConfig,
  learnerPrefix,
  securityFor,
  securityFromEnv,
} from '../workshop/config.ts';
import { DotEnvError, parseDotEnv, workshopEnv } from '../workshop/env.ts';

describe('parseDotEnv', () => {
  test('reads KEY=value lines, skipping blanks and comments', () => {
    expect(
      parseDotEnv('# team cluster\n\nKAFKA_BROKERS=b1:9092,b2:9092\nexport KAFKA_SASL_MECHANISM = scram-sha-512\n'),
    ).toEqual({
      KAFKA_BROKERS: 'b1:9092,b2:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
    });
  });

  test('keeps single-quoted values as they are and unescapes double-quoted ones', () => {
    expect(parseDotEnv(`A='p#ss "x" \\n'\nB="line\\nnext \\"q\\" \\\\"\nC=plain # comment\nD=p#ss\nE=`)).toEqual({
      A: 'p#ss "x" \\n',
      B: 'line\nnext "q" \\',
      C: 'plain',
      D: 'p#ss',
      E: '',
    });
  });

  test('names the line that is not KEY=value', () => {
    expect(() => parseDotEnv('A=1\nthis is not a setting\n', '.env')).toThrow(
      new DotEnvError('.env line 2 is not KEY=value: "this is not a setting"'),
    );
    expect(() => parseDotEnv('A="open', '.env')).toThrow(/line 1: the value opens with " but never closes it/);
  });

  test('Windows line endings work', () => {
    expect(parseDotEnv('A=1\r\nB=2\r\n')).toEqual({ A: '1', B: '2' });
  });

  test('the real environment wins over .env', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-')), '.env');
    fs.writeFileSync(file, 'KAFKA_BROKERS=from-file:9092\nKAFKA_SASL_USERNAME=file-user\n');
    expect(workshopEnv({ KAFKA_BROKERS: 'from-env:9092' }, file)).toMatchObject({
      KAFKA_BROKERS: 'from-env:9092',
      KAFKA_SASL_USERNAME: 'file-user',
    });
    expect(workshopEnv({}, path.join(path.dirname(file), 'missing.env'))).toEqual({});
  });
});

describe('securityFromEnv', () => {
  const brokers = { KAFKA_BROKERS: 'kafka.example.com:9096' };

  test('no settings, no security', () => {
    expect(securityFromEnv({})).toEqual({});
  });

  test('SASL in any case of mechanism name', () => {
    expect(
      securityFromEnv({
        ...brokers,
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
        KAFKA_SASL_USERNAME: 'alice',
        KAFKA_SASL_PASSWORD: 's3cret',
      }),
    ).toEqual({
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 's3cret' },
    });
  });

  test.each([
    [
      { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' },
      'KAFKA_SASL_MECHANISM is "gssapi": use plain, scram-sha-256, scram-sha-512',
    ],
    [
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'b' },
      'KAFKA_SASL_MECHANISM is plain, but KAFKA_SASL_USERNAME is not set',
    ],
    [
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'a' },
      'KAFKA_SASL_MECHANISM is plain, but KAFKA_SASL_PASSWORD is not set',
    ],
    [
      { KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' },
      'KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set without KAFKA_SASL_MECHANISM: set it to plain, scram-sha-256, scram-sha-512',
    ],
    [{ KAFKA_SSL: 'maybe' }, 'KAFKA_SSL is "maybe": use true or false'],
    [{ KAFKA_SSL_CERT_FILE: 'c.pem' }, 'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: set both, or neither'],
    [{ KAFKA_SSL_CA_FILE: '/nowhere/ca.pem' }, 'KAFKA_SSL_CA_FILE names /nowhere/ca.pem, which cannot be read'],
  ])('rejects %o with one clear line', (env, message) => {
    expect(() => securityFromEnv({ ...brokers, ...env })).toThrow(new ConfigError(message));
  });

  test('credentials without KAFKA_BROKERS are refused: they would go to whatever broker is found', () => {
    expect(() =>
      securityFromEnv({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' }),
    ).toThrow(/KAFKA_BROKERS is not/);
  });

  test('TLS: true, a private CA, and a client certificate', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    for (const name of ['ca', 'cert', 'key']) fs.writeFileSync(path.join(dir, `${name}.pem`), `${name} pem`);
    expect(securityFromEnv({ ...brokers, KAFKA_SSL: 'true' })).toEqual({ ssl: true });
    expect(securityFromEnv({ ...brokers, KAFKA_SSL: 'false' })).toEqual({});
    expect(securityFromEnv({ ...brokers, KAFKA_SSL_CA_FILE: path.join(dir, 'ca.pem') })).toEqual({
      ssl: { ca: ['ca pem'] },
    });
    expect(
      securityFromEnv({
        ...brokers,
        KAFKA_SSL: '1',
        KAFKA_SSL_CERT_FILE: path.join(dir, 'cert.pem'),
        KAFKA_SSL_KEY_FILE: path.join(dir, 'key.pem'),
      }),
    ).toEqual({ ssl: { cert: 'cert pem', key: 'key pem' } });
  });

  test('describes the login without the password', () => {
    const security = securityFromEnv({
      ...brokers,
      KAFKA_SSL: 'yes',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'alice',
      KAFKA_SASL_PASSWORD: 'hunter2',
    });
    expect(describeSecurity(security)).toBe('PLAIN as alice, over TLS');
    expect(describeSecurity({})).toBe('no login, no TLS');
  });
});

describe('kafkaConfig', () => {
  const env = {
    KAFKA_BROKERS: 'b1:9092,b2:9092',
    KAFKA_SASL_MECHANISM: 'plain',
    KAFKA_SASL_USERNAME: 'alice',
    KAFKA_SASL_PASSWORD: 'pw',
    KAFKA_SSL: 'true',
  };

  test('sends the credentials to the brokers of KAFKA_BROKERS, in any order', () => {
    expect(kafkaConfig('c', ['b2:9092', 'b1:9092'], env)).toMatchObject({
      sasl: { mechanism: 'plain', username: 'alice', password: 'pw' },
      ssl: true,
    });
  });

  test('never to another broker, such as the cluster lesson 08 starts for itself', () => {
    const config = kafkaConfig('c', ['127.0.0.1:40001'], env);
    expect(config).not.toHaveProperty('sasl');
    expect(config).not.toHaveProperty('ssl');
    expect(securityFor(['b1:9092'], env)).toEqual({});
  });

  test('defaults to KAFKA_BROKERS', () => {
    expect(kafkaConfig('c', undefined, env).brokers).toEqual(['b1:9092', 'b2:9092']);
  });
});

describe('learnerPrefix', () => {
  test('is empty without WORKSHOP_LEARNER, and "alice." with it', () => {
    expect(learnerPrefix({})).toBe('');
    expect(learnerPrefix({ WORKSHOP_LEARNER: ' alice ' })).toBe('alice.');
  });

  test('refuses what cannot start a topic name', () => {
    expect(() => learnerPrefix({ WORKSHOP_LEARNER: 'alice smith' })).toThrow(
      new ConfigError(
        'WORKSHOP_LEARNER is "alice smith": use up to 40 letters, digits, - or _ (it starts every topic name)',
      ),
    );
  });
});
