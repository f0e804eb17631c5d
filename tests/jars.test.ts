import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { cachedJarsDir, ensureKafkaJars, jarsCacheDir, JarsError, kafkaHomeLibs } from '../workshop/broker/jars.ts';
import { KAFKA_VERSION } from '../workshop/broker/version.ts';

const temp: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jars-test-'));
  temp.push(dir);
  return dir;
};
afterAll(() => temp.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

test('a half-finished download is not mistaken for a cache, and the next try completes it', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_WORKSHOP_CACHE: tempDir() };
  delete env.KAFKA_HOME;
  const target = jarsCacheDir(env);
  // what an interrupted first run leaves: some jars, no completion marker, a stray partial folder
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'kafka-clients-truncated.jar'), 'half a jar');
  fs.mkdirSync(`${target}.partial-999999`);
  expect(cachedJarsDir(env)).toBeUndefined();

  const lines: string[] = [];
  const dir = await ensureKafkaJars((line) => lines.push(line), env);
  expect(dir).toBe(target);
  expect(lines[0]).toMatch(new RegExp(`First run: downloading Apache Kafka ${KAFKA_VERSION}`));
  const jars = fs.readdirSync(dir);
  expect(jars).toContain(`kafka_2.13-${KAFKA_VERSION}.jar`);
  expect(jars).toContain(`kafka-tools-${KAFKA_VERSION}.jar`);
  expect(jars).not.toContain('kafka-clients-truncated.jar');
  expect(fs.existsSync(`${target}.partial-999999`), 'the abandoned partial download was left behind').toBe(false);
  expect(cachedJarsDir(env)).toBe(target);
}, 180_000);

test('without Maven the learner is told what to install, in one sentence', async () => {
  const env: NodeJS.ProcessEnv = { PATH: tempDir(), KAFKA_WORKSHOP_CACHE: tempDir() };
  await expect(ensureKafkaJars(() => undefined, env)).rejects.toThrow(JarsError);
  await expect(ensureKafkaJars(() => undefined, env)).rejects.toThrow(/Maven \(mvn\) is not installed.*KAFKA_HOME/);
});

test('KAFKA_HOME/libs is used when it holds an unpacked Kafka', () => {
  const home = tempDir();
  expect(kafkaHomeLibs({ KAFKA_HOME: home })).toBeUndefined();
  fs.mkdirSync(path.join(home, 'libs'));
  fs.writeFileSync(path.join(home, 'libs', `kafka_2.13-${KAFKA_VERSION}.jar`), '');
  expect(kafkaHomeLibs({ KAFKA_HOME: home })).toBe(path.join(home, 'libs'));
  expect(cachedJarsDir({ KAFKA_HOME: home, KAFKA_WORKSHOP_CACHE: tempDir() })).toBe(path.join(home, 'libs'));
});
