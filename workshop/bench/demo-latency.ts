import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { Kafka } from 'kafkajs';
import { createTransactionGenerator } from '../../bank/generator.ts';
import { DEFAULT_PARTITIONS, DEFAULT_RATE } from '../../demo/defaults.ts';
import { streamTransactions } from '../../demo/stream.ts';
import { TransactionProducer } from '../../solutions/01-producer-basics/producer.ts';
import { keyFor } from '../../solutions/02-keys-and-partitions/keys.ts';
import { kafkaConfig } from '../config.ts';
import { DemoProcess, waitForOutput } from '../demo-process.ts';
import { pause } from '../wait.ts';
import { sendInBatches } from './batch-sender.ts';
import { percentile } from './measure.ts';
import { deleteTopicsQuietly } from '../platform/topic-deletion.ts';

export interface DemoLatency {
  /** Transactions per second the stream was sent at. */
  rate: number;
  sender: Sender;
  p50Ms: number;
  p99Ms: number;
  messages: number;
}

/**
 * How the stream is sent: one request per transaction, as the simulator sends with lesson 01's
 * producer, or a request every 10 ms with what came due (lesson 07's remedy). At 1,000 msg/s the
 * first measures the sender's queue as much as the demo; the second, the demo with a sender that
 * keeps up.
 */
type Sender = 'one-by-one' | 'batches';

/** The rates measured: the demo's default (one every 0.5 s) and a busy stream, sent both ways. */
const RUNS: ReadonlyArray<{ rate: number; seconds: number; sender: Sender }> = [
  { rate: DEFAULT_RATE, seconds: 10, sender: 'one-by-one' },
  { rate: 1000, seconds: 5, sender: 'one-by-one' },
  { rate: 1000, seconds: 5, sender: 'batches' },
];
const BATCH_TICK_MS = 10;

/**
 * End-to-end latency of the live demo: from the moment a transaction is handed to the producer
 * to the moment the real monitor program (a child process running the reference lesson code)
 * prints its line. The sending side runs in this process, so that both ends are timed by one
 * clock: the simulator's own loop and modules, or one producer sending batches.
 */
export async function measureDemoLatency(
  brokers: string[],
  options: { profileDir?: string } = {},
): Promise<DemoLatency[]> {
  const results: DemoLatency[] = [];
  for (const run of RUNS) results.push(await measureAt(brokers, run, options.profileDir));
  return results;
}

async function measureAt(
  brokers: string[],
  { rate, seconds, sender }: (typeof RUNS)[number],
  profileDir?: string,
): Promise<DemoLatency> {
  const suffix = `${rate}-${sender}-${Date.now().toString(36)}`;
  const topic = `bench-demo-latency-${suffix}`;
  const admin = new Kafka(kafkaConfig(`bench-admin-${suffix}`, brokers)).admin();
  await admin.connect();
  const monitor = new DemoProcess(
    'monitor',
    ['--topic', topic, '--group', `bench-monitor-${suffix}`, '--solution'],
    brokers,
    // where its time goes, for Chrome's DevTools (Performance) or speedscope: one .cpuprofile per
    // thread, the main one the largest (the other is the TypeScript loader's)
    profileDir
      ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, `monitor-${rate}-msg-s-${sender}`)}`] }
      : {},
  );
  const producer = new TransactionProducer(kafkaConfig(`bench-producer-${suffix}`, brokers), topic);
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: DEFAULT_PARTITIONS }], waitForLeaders: true });
    await monitor.waitForLine(/Partitions assigned: 0, 1, 2$/, 30_000);

    const sentAt = new Map<string, number>();
    const profiler = profileDir ? await startProfiling() : undefined;
    if (sender === 'one-by-one') {
      await producer.connect();
      await streamTransactions({
        rate,
        count: Math.round(rate * seconds),
        stop: new AbortController().signal,
        next: createTransactionGenerator({ seed: rate }),
        send: (tx) => {
          sentAt.set(tx.transaction_id, performance.now());
          return producer.send(tx, keyFor(tx));
        },
      });
    } else {
      const stream = await sendInBatches(brokers, topic, {
        rate,
        tickMs: BATCH_TICK_MS,
        onBatch: (batch) => batch.forEach((tx) => sentAt.set(tx.transaction_id, performance.now())),
      });
      await pause(seconds * 1000);
      await stream.stop();
    }
    const count = sentAt.size;

    const printedAt = new Map<string, number>();
    let scanned = 0;
    await waitForOutput(
      [monitor],
      () => {
        for (; scanned < monitor.lines.length; scanned++) {
          const line = monitor.lines[scanned]!;
          const id = /^\[\s*\d+\] Account .*\| (TXN-\d+)$/.exec(line.text)?.[1];
          if (id && !printedAt.has(id)) printedAt.set(id, line.at);
        }
        return printedAt.size >= count ? true : undefined;
      },
      { expected: `the monitor to print all ${count} transactions`, timeoutMs: 60_000 },
    );
    await profiler?.stop(path.join(profileDir!, `sender-${rate}-msg-s-${sender}.cpuprofile`));
    await monitor.interrupt();

    const latencies = [...sentAt].map(([id, sent]) => printedAt.get(id)! - sent).sort((a, b) => a - b);
    return {
      rate,
      sender,
      p50Ms: percentileMs(latencies, 50),
      p99Ms: percentileMs(latencies, 99),
      messages: latencies.length,
    };
  } finally {
    monitor.kill();
    await producer.close().catch(() => undefined);
    await deleteTopicsQuietly(admin, [topic]);
    await admin.disconnect();
  }
}

/** This process's CPU profile, from now until stop(file), through Node's inspector. */
async function startProfiling(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      session.disconnect();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
    },
  };
}

/** Rounded to 0.1 ms. */
const percentileMs = (sorted: readonly number[], p: number) => Math.round(percentile(sorted, p) * 10) / 10;

const SENDER_TEXT: Record<Sender, string> = {
  'one-by-one': 'one request per transaction',
  batches: `a batch every ${BATCH_TICK_MS} ms`,
};

export function formatDemoLatency(results: readonly DemoLatency[]): string {
  const rows = results.map(
    (r) =>
      `| live demo: produce → monitor print at ${r.rate} msg/s, ${SENDER_TEXT[r.sender]} | ${r.messages} | ${r.p50Ms} ms | ${r.p99Ms} ms |`,
  );
  return ['| what | messages | p50 | p99 |', '| --- | ---: | ---: | ---: |', ...rows].join('\n');
}
