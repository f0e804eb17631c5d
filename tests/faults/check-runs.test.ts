import fs from 'node:fs';
import path from 'node:path';
import { Kafka } from 'kafkajs';
import { expect, inject, test } from 'vitest';
import { kafkaConfig } from '../../workshop/config.ts';
import { copyProject } from '../support/project-copy.ts';
import { learnerEnv, runWorkshopCli, STACK_FRAME } from '../support/spawn-cli.ts';
import { figure, measured, seconds } from './support/tally.ts';

const CHECK = 'workshop/cli/check.ts';
const withBroker = (more: NodeJS.ProcessEnv = {}) =>
  learnerEnv({ KAFKA_BROKERS: inject('brokers').join(','), ...more });

test('two `npm run check lesson-03` at the same time both pass: each run has its own topics and groups', async () => {
  const runs = await Promise.all(
    [0, 1].map(() => runWorkshopCli(CHECK, ['lesson-03', '--solution'], withBroker(), 180_000)),
  );
  for (const run of runs) {
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toMatch(/lesson-03: \d+ passed, 0 failed/);
  }
  const passed = runs.map((run) => /lesson-03: (\d+) passed/.exec(run.stdout)![1]);
  measured(
    `two concurrent npm run check lesson-03: both green (${passed.join(' and ')} checks), in ${runs.map((run) => seconds(run.durationMs)).join(' and ')}`,
  );
});

/** A learner's lesson 03 whose handler never returns, and which notes the groups it joins in a file, for the test to inspect. */
const RUNAWAY_CONSUMER = `import fs from 'node:fs';
import type { Transaction } from '../../bank/transaction.ts';
import { TransactionConsumer as Reference, type ConsumerOptions } from '../../solutions/03-consumer-groups/consumer.ts';
export { DEFAULT_GROUP_ID, LIVE_CONSUMER_SETTINGS } from '../../solutions/03-consumer-groups/consumer.ts';

export class TransactionConsumer extends Reference {
  constructor(options: ConsumerOptions) {
    super(options);
    fs.appendFileSync(process.env.GROUPS_FILE!, this.groupId + '\\n');
  }

  protected override async record(_tx: Transaction): Promise<void> {
    await new Promise<never>(() => undefined);
  }
}
`;

test('a lesson 03 handler that never returns: `npm run check` fails with clear messages, exits, and leaves no consumer in any group', async ({
  onTestFinished,
}) => {
  const copy = copyProject();
  onTestFinished(() => copy.remove());
  fs.writeFileSync(path.join(copy.root, 'lessons', '03-consumer-groups', 'consumer.ts'), RUNAWAY_CONSUMER);
  const groupsFile = path.join(copy.root, 'groups.txt');
  fs.writeFileSync(groupsFile, '');

  const run = await runWorkshopCli(CHECK, ['lesson-03'], withBroker({ GROUPS_FILE: groupsFile }), 180_000, copy.root);
  expect(run.code, run.output).toBe(1);
  // every check that needs a transaction processed fails; one about the group id alone may pass
  expect(run.stdout).toMatch(/lesson-03: \d+ passed, [1-9]\d* failed/);
  expect(run.stdout).toMatch(/❌ two consumers in one group split the partitions/);
  expect(run.stdout).toMatch(/Waited 5\.0 s for .+ in vain|did not finish within/);
  expect(run.output).not.toMatch(STACK_FRAME);

  const groups = fs.readFileSync(groupsFile, 'utf8').split('\n').filter(Boolean);
  expect(groups.length).toBeGreaterThan(0);
  const admin = new Kafka(kafkaConfig('faults-group-inspector', inject('brokers'))).admin();
  await admin.connect();
  try {
    const described = (await admin.describeGroups(groups)).groups;
    const occupied = described
      .filter((group) => group.members.length > 0)
      .map((group) => `${group.groupId} (${group.members.length} members)`);
    expect(occupied, 'groups the checks left a consumer in').toEqual([]);
  } finally {
    await admin.disconnect();
  }
  measured(
    `lesson 03 handler that never returns: npm run check exited ${run.code} after ${seconds(run.durationMs)}; ${figure(groups.length)} consumers created, 0 left in their groups`,
  );
});
