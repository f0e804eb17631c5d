import { describe, expect, test } from 'vitest';
import { chooseBroker, NoBrokerError, threeWaysMessage, type MachineFacts } from '../workshop/broker/discover.ts';
import type { ProbeResult } from '../workshop/broker/probe.ts';
import { DEFAULT_BROKER } from '../workshop/broker/version.ts';

/** A machine described by facts; the chooser's questions are recorded to prove it asks only what it needs. */
function machine(facts: { env?: string[]; answering?: string[]; docker?: boolean; java?: number; jars?: boolean }) {
  const asked: string[] = [];
  const answers = new Set(facts.answering ?? []);
  const fake: MachineFacts = {
    envBrokers: () => facts.env,
    kafkaAnswers: async (brokers): Promise<ProbeResult> => {
      asked.push(`kafka ${brokers.join(',')}`);
      return brokers.some((b) => answers.has(b))
        ? { ok: true, brokers }
        : { ok: false, reason: `nothing is listening on ${brokers.join(', ')}` };
    },
    dockerEngine: async () => {
      asked.push('docker');
      return facts.docker ?? false;
    },
    javaMajorVersion: () => {
      asked.push('java');
      return facts.java;
    },
    kafkaJarsObtainable: () => {
      asked.push('jars');
      return facts.jars ?? true;
    },
  };
  return { fake, asked };
}

describe('chooseBroker follows the design order', () => {
  test('1. KAFKA_BROKERS wins when it answers, and nothing else is asked', async () => {
    const { fake, asked } = machine({
      env: ['kafka.example:9092'],
      answering: ['kafka.example:9092'],
      docker: true,
      java: 21,
    });
    await expect(chooseBroker(fake)).resolves.toEqual({
      kind: 'use',
      brokers: ['kafka.example:9092'],
      source: 'KAFKA_BROKERS',
    });
    expect(asked).toEqual(['kafka kafka.example:9092']);
  });

  test('1. a KAFKA_BROKERS that does not answer is reported, not replaced by another broker', async () => {
    const { fake } = machine({ env: ['10.0.0.9:9092'], answering: [DEFAULT_BROKER], docker: true, java: 21 });
    await expect(chooseBroker(fake)).rejects.toThrow(NoBrokerError);
    await expect(chooseBroker(fake)).rejects.toThrow(
      /KAFKA_BROKERS is set to 10\.0\.0\.9:9092, but nothing is listening/,
    );
  });

  test('2. a broker on localhost:9092 is used as it is', async () => {
    const { fake, asked } = machine({ answering: [DEFAULT_BROKER], docker: true, java: 21 });
    await expect(chooseBroker(fake)).resolves.toEqual({ kind: 'use', brokers: [DEFAULT_BROKER], source: 'localhost' });
    expect(asked).toEqual([`kafka ${DEFAULT_BROKER}`]);
  });

  test('3. with a Docker engine, Docker starts the broker (Java is not even asked)', async () => {
    const { fake, asked } = machine({ docker: true, java: 21 });
    await expect(chooseBroker(fake)).resolves.toEqual({ kind: 'start-docker' });
    expect(asked).not.toContain('java');
  });

  test('3. no Docker engine but Java 17+: the JVM broker', async () => {
    const { fake } = machine({ docker: false, java: 17 });
    await expect(chooseBroker(fake)).resolves.toEqual({ kind: 'start-jvm' });
  });

  test('3. Java 17+ without Maven or cached jars: the three ways, naming Maven (the first start would fail)', async () => {
    const { fake } = machine({ docker: false, java: 21, jars: false });
    const plan = await chooseBroker(fake);
    expect(plan).toMatchObject({ kind: 'none' });
    expect(plan.kind === 'none' && plan.why.join('; ')).toMatch(/Java 21 is here, but Maven is not/);
  });

  test('3. no Docker engine and no Java: the three ways, with the reasons', async () => {
    const { fake } = machine({ docker: false, java: undefined });
    const plan = await chooseBroker(fake);
    expect(plan).toEqual({
      kind: 'none',
      why: [`nothing answers on ${DEFAULT_BROKER}`, 'no Docker engine answers', 'Java is not installed'],
    });
  });

  test('3. Java that is too old counts as no Java', async () => {
    const { fake } = machine({ docker: false, java: 11 });
    await expect(chooseBroker(fake)).resolves.toMatchObject({
      kind: 'none',
      why: expect.arrayContaining(['Java 11 is older than 17']) as string[],
    });
  });
});

test('the three-ways message names Docker compose, npm run kafka and KAFKA_BROKERS', () => {
  const message = threeWaysMessage(['no Docker engine answers']);
  expect(message).toContain('docker compose up -d');
  expect(message).toContain('npm run kafka');
  expect(message).toContain('KAFKA_BROKERS=host:port');
  expect(message).toContain('(no Docker engine answers)');
});
