import avro from 'avsc';
import { expect, test } from 'vitest';
import { generateTransactions } from '../../bank/generator.ts';
import { TRANSACTION_TYPES } from '../../bank/transaction.ts';
import { sendMessages } from '../../checks/support/produce.ts';
import { runRegistryUrl } from '../../checks/support/registry.ts';
import { demoRun } from '../e2e/support/demo-run.ts';

/**
 * The live demo in Avro: the simulator writes the Confluent wire format through the registry,
 * and the monitor reads it (and JSON, and skips an unknown schema id) on the same topic. The
 * demo programs find the run's registry through SCHEMA_REGISTRY_URL, as a learner's would.
 */
process.env.SCHEMA_REGISTRY_URL = runRegistryUrl();

test('npm run simulator -- --format avro writes magic byte 0, then a schema id the registry resolves, then Avro', async ({
  onTestFinished,
}) => {
  const { ctx, start, topicName } = demoRun(onTestFinished);
  const topic = topicName('avro');
  const subject = `${topic}-value`;
  onTestFinished(async () => {
    await fetch(`${runRegistryUrl()}/subjects/${subject}`, { method: 'DELETE' }).catch(() => undefined);
  });
  const simulator = start('simulator', [
    '--format',
    'avro',
    '--count',
    8,
    '--rate',
    50,
    '--seed',
    77,
    '--topic',
    topic,
  ]);
  const exit = await simulator.waitForExit(60_000);
  expect(exit.code, simulator.stderr).toBe(0);

  const messages = await ctx.readAll(topic);
  expect(messages).toHaveLength(8);
  const ids = new Set<number>();
  for (const message of messages) {
    const value = message.value!;
    expect(value[0], `offset ${message.offset} of partition ${message.partition}: the magic byte`).toBe(0);
    const id = value.readInt32BE(1);
    ids.add(id);
    const answer = await fetch(`${runRegistryUrl()}/schemas/ids/${id}`);
    expect(answer.status, `the registry resolves schema id ${id}`).toBe(200);
    const type = avro.Type.forSchema(JSON.parse(((await answer.json()) as { schema: string }).schema) as avro.Schema);
    const tx = type.fromBuffer(value.subarray(5)) as { account: number; type: string };
    expect(message.key).toBe(String(tx.account));
    expect(TRANSACTION_TYPES).toContain(tx.type);
  }
  expect(ids.size, 'one schema for the whole stream').toBe(1);
  const versions = await fetch(`${runRegistryUrl()}/subjects/${subject}/versions`);
  expect(await versions.json(), `the simulator registers its schema under ${subject}`).toEqual([1]);

  // the monitor reads the Avro, a JSON transaction, and skips a frame naming a schema id nobody registered
  const [json] = generateTransactions(1, { seed: 78 });
  const unknown = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x00]), Buffer.from('junk')]);
  await sendMessages(ctx, topic, [
    { key: 'json', value: JSON.stringify(json), partition: 0 },
    { key: 'unknown', value: unknown, partition: 0 },
  ]);
  const monitor = start('monitor', ['--topic', topic, '--group', ctx.name('monitor')]);
  await monitor.waitForLine(/\[\s+9\] Account/, 60_000);
  const skipped = await monitor.waitForLine(/Skipped a malformed message/);
  expect(skipped.text).toMatch(/schema id 2147483392 is unknown to the registry/);
  expect(monitor.matching(/^\[\s*\d+\] Account/)).toHaveLength(9);
  expect((await monitor.interrupt()).code).toBe(0);
  expect(monitor.matching(/Processed 9 transactions and skipped 1 malformed/)).toHaveLength(1);
}, 120_000);
