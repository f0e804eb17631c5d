import { Kafka } from 'kafkajs';
import { formatNumberedTransaction } from '../../bank/format.ts';
import type * as Lesson05 from '../../solutions/05-offsets-and-replay/offsets.ts';
import { runCli } from '../cli/run-cli.ts';
import { ConfigError, defaultBrokers, kafkaConfig } from '../config.ts';
import { loadLessonFile, minutesAgo, parseFlags } from './lesson-code.ts';

const USAGE =
  'npm run offsets -- lag | reset --earliest | reset --minutes-ago N | replay --minutes-ago N, with --group G (default transaction-monitor), --topic T (default transactions), --solution';

/**
 * Lesson 05, live: the lag of a group, moving a stopped group, replaying history. It runs the
 * learner's lessons/05-offsets-and-replay/offsets.ts, or the reference with --solution.
 */
runCli(async (args) => {
  const [command, ...rest] = args;
  const { values, on } = parseFlags(rest, { group: 'transaction-monitor', topic: 'transactions', 'minutes-ago': undefined }, ['earliest', 'solution'], USAGE);
  const lesson = await loadLessonFile<typeof Lesson05>('05-offsets-and-replay', 'offsets.ts', on.has('solution'));
  const connection = kafkaConfig('workshop-offsets', defaultBrokers());
  const group = values.group!;
  const topic = values.topic!;
  const since = minutesAgo(values['minutes-ago'], '--minutes-ago');

  if (command === 'lag') {
    const admin = new Kafka(connection).admin();
    await admin.connect();
    try {
      const lags = await lesson.consumerLag(admin, group, topic);
      console.log(`Group ${group} on ${topic}:`);
      for (const p of lags) console.log(`  partition ${p.partition}: end ${p.endOffset}, committed ${p.committedOffset}, lag ${p.lag}`);
      console.log(`  total lag: ${lags.reduce((sum, p) => sum + p.lag, 0)} message(s)`);
    } finally {
      await admin.disconnect();
    }
  } else if (command === 'reset') {
    if (on.has('earliest') === (since !== undefined)) throw new ConfigError(`reset needs exactly one of --earliest or --minutes-ago N: ${USAGE}`);
    const offsets = since === undefined ? await lesson.resetToEarliest(connection, group, topic) : await lesson.resetToTimestamp(connection, group, topic, since);
    console.log(`Group ${group} now resumes ${topic} at ${offsets.map((o) => `partition ${o.partition} → ${o.offset}`).join(', ')}.`);
    console.log(`Start its consumer (npm run monitor${group === 'transaction-monitor' ? '' : ` -- --group ${group}`}) to read from there.`);
  } else if (command === 'replay') {
    if (since === undefined) throw new ConfigError(`replay needs --minutes-ago N: ${USAGE}`);
    const replayed = await lesson.replaySince({ connection, topic, groupId: `workshop-replay-${Date.now()}`, since });
    replayed.forEach((tx, i) => console.log(formatNumberedTransaction(i + 1, tx)));
    console.log(`${replayed.length} transaction(s) since ${new Date(since).toLocaleTimeString()}; no group's offsets were touched.`);
  } else {
    throw new ConfigError(`what should it do? ${USAGE}`);
  }
});
