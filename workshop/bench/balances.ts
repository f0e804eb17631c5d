import { Kafka, Partitioners } from 'kafkajs';
import { encodeTransaction } from '../../bank/codec.ts';
import { generateTransactions } from '../../bank/generator.ts';
import { DEFAULT_PARTITIONS } from '../../demo/defaults.ts';
import { kafkaConfig } from '../config.ts';
import { DemoProcess } from '../demo-process.ts';
import { median } from './measure.ts';

export interface BalancesThroughput {
  mode: 'transactions' | 'at least once';
  transactions: number;
  /** Each run's transactions per second, from the service's start to its report of the last one. */
  perSecond: number[];
}

/** Transactions per batch of the backlog writer: big enough to fill the topic in a second or two. */
const WRITE_BATCH = 500;

/**
 * How fast `npm run balances` (the reference code, as a child process) works through a backlog,
 * with Kafka transactions and without (--at-least-once): the input topic is filled first, so the
 * service runs as fast as it can, not at the simulator's pace. Timed from the service's
 * partition assignment to its line saying that the last transaction is committed.
 */
export async function measureBalances(
  brokers: string[],
  options: { runs: number; transactions: number; log: (line: string) => void },
): Promise<BalancesThroughput[]> {
  const transactions = Math.max(100, Math.round(options.transactions / 100) * 100);
  const results: BalancesThroughput[] = [];
  for (const mode of ['transactions', 'at least once'] as const) {
    const result: BalancesThroughput = { mode, transactions, perSecond: [] };
    for (let run = 0; run < options.runs; run++) {
      result.perSecond.push(await measureOnce(brokers, mode, transactions));
      options.log(`  ${mode}, run ${run + 1}: ${result.perSecond.at(-1)!.toFixed(0)} transactions per second`);
    }
    results.push(result);
  }
  return results;
}

async function measureOnce(brokers: string[], mode: BalancesThroughput['mode'], count: number): Promise<number> {
  const suffix = `${mode === 'transactions' ? 'tx' : 'alo'}-${Date.now().toString(36)}`;
  const [input, output] = [`bench-balances-in-${suffix}`, `bench-balances-out-${suffix}`];
  const kafka = new Kafka(kafkaConfig(`bench-balances-${suffix}`, brokers));
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  let service: DemoProcess | undefined;
  try {
    await admin.createTopics({
      topics: [input, output].map((topic) => ({ topic, numPartitions: DEFAULT_PARTITIONS })),
      waitForLeaders: true,
    });
    await producer.connect();
    const backlog = generateTransactions(count, { seed: count, accounts: 50 });
    for (let i = 0; i < backlog.length; i += WRITE_BATCH) {
      await producer.send({
        topic: input,
        messages: backlog
          .slice(i, i + WRITE_BATCH)
          .map((tx) => ({ key: String(tx.account), value: encodeTransaction(tx) })),
      });
    }
    service = new DemoProcess(
      'balances',
      [
        '--topic',
        input,
        '--balances-topic',
        output,
        '--group',
        `bench-balances-${suffix}`,
        '--transactional-id',
        `bench-balances-${suffix}`,
        '--quiet',
        '--solution',
        ...(mode === 'at least once' ? ['--at-least-once'] : []),
      ],
      brokers,
    );
    const started = await service.waitForLine(/Partitions assigned: 0, 1, 2$/, 60_000);
    const done = await service.waitForLine(new RegExp(`^📦 ${count} transactions committed$`), 300_000);
    await service.interrupt(30_000);
    return count / ((done.at - started.at) / 1000);
  } finally {
    service?.kill();
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  }
}

export function formatBalancesThroughput(results: readonly BalancesThroughput[]): string {
  const rows = results.map(
    (r) =>
      `| npm run balances -- --solution, ${r.mode}, a backlog of ${r.transactions} | ${r.perSecond.length} | ${median(r.perSecond).toFixed(0)} | ${Math.min(...r.perSecond).toFixed(0)} | ${Math.max(...r.perSecond).toFixed(0)} |`,
  );
  return [
    '| what | runs | transactions/s (median) | slowest | fastest |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
