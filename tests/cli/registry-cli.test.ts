import { expect, inject, test } from 'vitest';
import { freePort } from '../../workshop/broker/ports.ts';
import { learnerEnv, runWorkshopCli, STACK_FRAME } from '../support/spawn-cli.ts';

/**
 * Lesson 09 and `--format avro` with a schema registry that is not there: one line that names
 * SCHEMA_REGISTRY_URL and what was found there, a non-zero exit, no stack trace, no hang.
 */
test.concurrent.for([
  ['npm run check lesson-09', 'workshop/cli/check.ts', ['lesson-09', '--solution']],
  ['npm run simulator -- --format avro', 'demo/simulator.ts', ['--format', 'avro', '--solution', '--count', '1']],
] as const)(
  '%s with SCHEMA_REGISTRY_URL pointing at nothing says so in one line',
  { timeout: 90_000 },
  async ([, script, args]) => {
    const closed = await freePort();
    const env = learnerEnv({
      KAFKA_BROKERS: inject('brokers').join(','),
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${closed}/apis/ccompat/v7`,
    });
    const run = await runWorkshopCli(script, [...args], env);
    expect(run.code, run.output).toBe(1);
    expect(run.stderr.trim()).toBe(
      `❌ SCHEMA_REGISTRY_URL is set to http://127.0.0.1:${closed}/apis/ccompat/v7, but nothing is listening on 127.0.0.1:${closed}. Start that registry, or unset SCHEMA_REGISTRY_URL.`,
    );
    expect(run.output).not.toMatch(STACK_FRAME);
  },
);

test('an unknown --format is one line that says which formats there are', async () => {
  const run = await runWorkshopCli('demo/simulator.ts', ['--format', 'xml'], learnerEnv());
  expect(run.code, run.output).toBe(1);
  expect(run.stderr.trim()).toMatch(
    /^❌ --format needs json or avro, got "xml": json \(the default\) or avro\b[^\n]*$/,
  );
}, 60_000);
