import { Kafka } from 'kafkajs';
import { formatNumberedTransaction } from '../bank/format.ts';
import { ConfigError } from '../workshop/config.ts';
import { DEFAULT_TOPIC } from './defaults.ts';
import { runDemo } from './run-demo.ts';

/**
 * `npm run offsets`: lesson 05, live. The lag of a group, moving a stopped group, replaying
 * history. It runs your lessons/05-offsets-and-replay/offsets.ts, or the reference with --solution.
 */
type OffsetsLesson = typeof import('../solutions/05-offsets-and-replay/offsets.ts');

const DEFAULT_GROUP = 'transaction-monitor';

const flags = {
  group: { kind: 'text', help: `the consumer group (default ${DEFAULT_GROUP}, the monitor's)` },
  topic: { kind: 'topic', help: `the topic (default ${DEFAULT_TOPIC})` },
  earliest: { kind: 'switch', help: 'reset: move the group back to the earliest message still kept' },
  'minutes-ago': {
    kind: 'non-negative-number',
    help: 'reset: move the group to the first message of N minutes ago; replay: read what came since then',
  },
} as const;

const about = [
  'Lesson 05 with your code, in three commands:',
  '  lag      how far the group is behind, per partition',
  '  reset    moves a stopped group: --earliest, or --minutes-ago N',
  '  replay   reads the transactions of the last --minutes-ago N minutes, moving no group',
].join('\n');

const COMMANDS = ['lag', 'reset', 'replay'] as const;

runDemo(
  {
    program: 'npm run offsets',
    about,
    flags,
    words: { usage: `<${COMMANDS.join('|')}>`, name: 'command', max: 1, choices: COMMANDS },
  },
  async ({ flags, words: [command], lesson, connection }) => {
    if (!command)
      throw new ConfigError(`what should it do? Give one of ${COMMANDS.join(', ')}: npm run offsets -- lag`);
    const code = await lesson<OffsetsLesson>('lesson-05', 'offsets.ts');
    const group = flags.group ?? DEFAULT_GROUP;
    const topic = flags.topic ?? DEFAULT_TOPIC;
    const since = flags['minutes-ago'] === undefined ? undefined : Date.now() - flags['minutes-ago'] * 60_000;
    if (command === 'reset' && flags.earliest === (since !== undefined))
      throw new ConfigError(
        'reset needs exactly one of --earliest or --minutes-ago N: npm run offsets -- reset --earliest',
      );
    if (command === 'replay' && since === undefined)
      throw new ConfigError('replay needs --minutes-ago N: npm run offsets -- replay --minutes-ago 5');
    const kafka = connection('offsets');
    const admin = new Kafka(kafka).admin();
    await admin.connect();
    try {
      // a missing topic is one line now, not a broker's complaint after half a minute of retries
      if (!(await admin.listTopics()).includes(topic))
        throw new ConfigError(`there is no topic ${topic} yet: start the simulator first (npm run simulator)`);
      if (command === 'lag') {
        const lags = await code.consumerLag(admin, group, topic);
        console.log(`Group ${group} on ${topic}:`);
        for (const p of lags)
          console.log(`  partition ${p.partition}: end ${p.endOffset}, committed ${p.committedOffset}, lag ${p.lag}`);
        console.log(`  total lag: ${lags.reduce((sum, p) => sum + p.lag, 0)} message(s)`);
        return;
      }
    } finally {
      await admin.disconnect();
    }
    if (command === 'reset') {
      const offsets =
        since === undefined
          ? await code.resetToEarliest(kafka, group, topic)
          : await code.resetToTimestamp(kafka, group, topic, since);
      console.log(
        `Group ${group} now resumes ${topic} at ${[...offsets]
          .sort((a, b) => a.partition - b.partition)
          .map((o) => `partition ${o.partition} → ${o.offset}`)
          .join(', ')}.`,
      );
      console.log(
        `Start its consumer (npm run monitor${group === DEFAULT_GROUP ? '' : ` -- --group ${group}`}) to read from there.`,
      );
    } else {
      const groupId = `workshop-replay-${Date.now()}`;
      const replayed = await code.replaySince({ connection: kafka, topic, groupId, since: since! });
      replayed.forEach((tx, i) => console.log(formatNumberedTransaction(i + 1, tx)));
      console.log(
        `${replayed.length} transaction(s) since ${new Date(since!).toLocaleTimeString()}; no group's offsets were touched.`,
      );
    }
  },
);
