import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { brokerPathFindings, portFinding, type DoctorFacts } from '../../workshop/doctor/doctor.ts';
import { installLine, nodeLine, satisfiesMinimum } from '../../workshop/doctor/preflight.mjs';
import { produceConsumeRoundTrip } from '../../workshop/doctor/round-trip.ts';
import { PROJECT_ROOT } from '../../workshop/paths.ts';
import { useTempDirs } from '../support/temp-dir.ts';

const tempDir = useTempDirs();

describe('before npm install', () => {
  test('Node versions against the engines range', () => {
    expect(['20.19.0', '20.20.2', '22.1.0', 'v21.0.0'].map((v) => satisfiesMinimum(v, '>=20.19'))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['20.18.9', '18.20.0', '20.9.0'].map((v) => satisfiesMinimum(v, '>=20.19'))).toEqual([false, false, false]);
    expect(nodeLine('18.20.0', '>=20.19').text).toBe(
      '❌ Node.js 18.20.0 (the workshop needs >=20.19)\n   fix: install Node.js 20.19 or newer from https://nodejs.org, then open a new terminal',
    );
  });

  test('npm install is done when every dependency is in node_modules', () => {
    expect(installLine(PROJECT_ROOT)).toMatchObject({ ok: true });
    const root = tempDir();
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ dependencies: { kafkajs: '1', a: '1', b: '1', c: '1' }, devDependencies: { tsx: '1' } }),
    );
    fs.mkdirSync(path.join(root, 'node_modules', 'kafkajs'), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules', 'kafkajs', 'package.json'), '{}');
    expect(installLine(root)).toEqual({
      ok: false,
      text: '❌ npm install is not done: a, b, c and 1 more missing\n   fix: run npm install in the workshop folder',
    });
  });
});

const machine = (overrides: Partial<DoctorFacts>): DoctorFacts => ({
  dockerEngine: async () => false,
  javaMajorVersion: () => undefined,
  maven: () => false,
  kafkaHome: undefined,
  kafkaHomeLibs: () => undefined,
  cachedJars: () => undefined,
  port9092: async () => 'free',
  ...overrides,
});

describe('broker paths', () => {
  test('a Java-only laptop is ready: the missing paths are optional, each says how to enable it', async () => {
    const { lines, problems } = await brokerPathFindings(
      machine({ javaMajorVersion: () => 17, maven: () => true }),
      false,
    );
    expect(problems).toBe(0);
    expect(lines.join('\n')).toBe(
      [
        '   ➖ Docker engine: not answering',
        '      to use it: install Docker Desktop (or Docker Engine) and start it',
        '   ✅ Java 17: can run the JVM broker (npm run kafka)',
        '   ✅ Maven: can download the Kafka jars (once, about 60 MB)',
        '   ➖ KAFKA_HOME: not set (not needed with Maven)',
        '      to use it: set KAFKA_HOME to an unpacked Apache Kafka download',
        '   ✅ A broker can be started here with the JVM broker',
      ].join('\n'),
    );
  });

  test('Java 11 alone is a problem with a fix, unless a broker already runs', async () => {
    const old = machine({ javaMajorVersion: () => 11, maven: () => true });
    const none = await brokerPathFindings(old, false);
    expect(none.problems).toBe(1);
    expect(none.lines.join('\n')).toContain('Java 11: older than 17');
    expect(none.lines.at(-1)).toBe(
      '   ❌ No way to start a broker on this machine\n      fix: install Docker, or Java 17+ with Maven; or set KAFKA_BROKERS to a broker you have',
    );
    expect((await brokerPathFindings(old, true)).problems).toBe(0);
  });

  test('Java without Maven works from KAFKA_HOME; a KAFKA_HOME without jars is a problem', async () => {
    const fromHome = await brokerPathFindings(
      machine({
        javaMajorVersion: () => 21,
        kafkaHome: '/opt/kafka',
        kafkaHomeLibs: () => '/opt/kafka/libs',
        cachedJars: () => '/opt/kafka/libs',
      }),
      false,
    );
    expect(fromHome.problems).toBe(0);
    expect(fromHome.lines.at(-1)).toBe('   ✅ A broker can be started here with the JVM broker');
    const wrongHome = await brokerPathFindings(
      machine({ dockerEngine: async () => true, kafkaHome: '/opt/nothing' }),
      false,
    );
    expect(wrongHome.problems).toBe(1);
    expect(wrongHome.lines.join('\n')).toContain(
      '❌ KAFKA_HOME is /opt/nothing, but its libs/ folder has no kafka_2.13 jar\n      fix: ',
    );
    expect(wrongHome.lines.at(-1)).toBe('   ✅ A broker can be started here with Docker');
  });

  test('port 9092: Kafka or free is fine, another program is not', () => {
    expect(portFinding('kafka').problems).toBe(0);
    expect(portFinding('free').lines).toEqual(['✅ Port 9092: free for the workshop broker']);
    expect(portFinding('other')).toEqual({
      problems: 1,
      lines: [
        '❌ Port 9092: another program listens there, and it is not Kafka\n   fix: stop that program, or set KAFKA_BROKERS=host:port to a broker of your own',
      ],
    });
  });
});

describe('round trip', () => {
  test('one message produced and consumed back on the live broker', async () => {
    const { ms } = await produceConsumeRoundTrip(inject('brokers'));
    expect(ms).toBeGreaterThan(0);
  });

  test('an address where nothing listens fails with a message, within the bound', async () => {
    await expect(produceConsumeRoundTrip(['127.0.0.1:1'], 5000)).rejects.toThrow(
      /connect|ECONNREFUSED|did not come back/i,
    );
  });
});
