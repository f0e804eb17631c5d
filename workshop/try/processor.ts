import { Kafka } from 'kafkajs';
import { formatNumberedTransaction } from '../../bank/format.ts';
import type * as Processor from '../../solutions/06-reliable-processing/processor.ts';
import { describeFailure } from '../cli/run-cli.ts';
import { ConfigError, defaultBrokers, kafkaConfig } from '../config.ts';
import { loadLessonFile, parseFlags } from './lesson-code.ts';

const USAGE =
  'npm run processor -- [--topic T (default transactions)] [--group G (default reliable-processor)] [--dead-letters D (default transactions.dead-letters)] [--fail-rate 0.2] [--poison N] [--solution]';

/**
 * Lesson 06, live: the learner's ReliableProcessor (or the reference with --solution) on the
 * simulator's topic, with a handler that fails now and then, a few poison pills if asked for,
 * and the learner's stopOnSignals for Ctrl+C. No runCli here: the first Ctrl+C belongs to the
 * learner's code, and a clean stop lets Node end by itself.
 */
async function main(args: string[]): Promise<void> {
  const { values, on } = parseFlags(args, { topic: 'transactions', group: 'reliable-processor', 'dead-letters': 'transactions.dead-letters', 'fail-rate': '0.2', poison: '0' }, ['solution'], USAGE);
  const failRate = Number(values['fail-rate']);
  const poison = Number(values.poison);
  if (!(failRate >= 0 && failRate < 1)) throw new ConfigError(`--fail-rate takes a number from 0 to below 1, not "${values['fail-rate']}"`);
  if (!Number.isInteger(poison) || poison < 0) throw new ConfigError(`--poison takes a whole number, not "${values.poison}"`);
  const { ReliableProcessor, stopOnSignals } = await loadLessonFile<typeof Processor>('06-reliable-processing', 'processor.ts', on.has('solution'));
  const connection = kafkaConfig('workshop-processor', defaultBrokers());
  const topic = values.topic!;
  const deadLetterTopic = values['dead-letters']!;
  await prepareTopics(connection, topic, deadLetterTopic, poison);

  let seen = 0;
  const processor = new ReliableProcessor({
    connection,
    topic,
    groupId: values.group!,
    deadLetterTopic,
    handle: (tx, source) => {
      if (Math.random() < failRate) {
        console.log(`       ⚠️  ${tx.transaction_id}: the (simulated) ledger service did not answer; it will be retried`);
        throw new Error('simulated outage of the ledger service');
      }
      console.log(`${formatNumberedTransaction(++seen, tx)}   (partition ${source.partition}, offset ${source.offset})`);
    },
  });
  stopOnSignals(processor);
  process.once('beforeExit', () => {
    console.log(`\nStopped cleanly: ${processor.processedCount} processed, ${processor.deadLetteredCount} sent to ${deadLetterTopic}. Run it again: it resumes where it stopped.`);
  });
  await processor.start();
  console.log(`Processing ${topic} as group ${values.group} (dead letters go to ${deadLetterTopic}). Ctrl+C stops it gracefully.`);
}

/** The dead-letter topic must exist; --poison N writes N messages no consumer can decode. */
async function prepareTopics(connection: ReturnType<typeof kafkaConfig>, topic: string, deadLetterTopic: string, poison: number) {
  const kafka = new Kafka(connection);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) throw new ConfigError(`there is no topic ${topic} yet: start the simulator first (npm run simulator)`);
    if (!existing.includes(deadLetterTopic)) await admin.createTopics({ topics: [{ topic: deadLetterTopic }] });
  } finally {
    await admin.disconnect();
  }
  if (poison === 0) return;
  const producer = kafka.producer();
  await producer.connect();
  const pills = [Buffer.from('this is not JSON'), Buffer.from('{"account":"ABC"}'), Buffer.from([0xff, 0xfe, 0x00])];
  await producer.send({ topic, messages: Array.from({ length: poison }, (_, i) => ({ key: `poison-${i}`, value: pills[i % pills.length]! })) });
  await producer.disconnect();
  console.log(`Wrote ${poison} poison pill(s) to ${topic}.`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`❌ ${describeFailure(error)}\n`);
  process.exit(1);
});
