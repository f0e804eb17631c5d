import { setTimeout } from 'node:timers/promises';
import { Kafka } from 'kafkajs';
import { DEFAULT_PARTITIONS, DEFAULT_RATE } from '../../demo/defaults.ts';
import { openBrowser } from '../browser/chromium.ts';
import { kafkaConfig } from '../config.ts';
import { DashboardProcess } from '../dashboard-process.ts';
import { DemoProcess } from '../demo-process.ts';
import { sendInBatches } from './batch-sender.ts';
import { percentile } from './measure.ts';
import { deleteTopicsQuietly } from '../platform/topic-deletion.ts';

export interface DashboardLoad {
  rate: number;
  /** The dashboard process's CPU time over the stream's wall time, in % of one core. */
  cpuPercent: number;
  /** From a message's creation (its Kafka timestamp) to its first appearance on the page. */
  p50Ms: number;
  p99Ms: number;
  /** Messages seen on the page: at 1,000 msg/s the lanes show a sample, by design. */
  shown: number;
  sent: number;
  /** What the sender managed on this machine during the window. */
  sentPerSecond: number;
  sender: Sender;
}

/**
 * The demo's rate comes from the demo's simulator. 1,000 msg/s comes from one producer sending a
 * batch every 100 ms: the simulator sends one transaction at a time per partition (its lanes,
 * demo/stream.ts), which on this machine tops out well below that.
 */
type Sender = 'simulator' | 'batches';
const RUNS: ReadonlyArray<{ rate: number; seconds: number; sender: Sender }> = [
  { rate: DEFAULT_RATE, seconds: 10, sender: 'simulator' },
  { rate: 1000, seconds: 15, sender: 'batches' },
];

/**
 * The dashboard under the live demo's load: the stream at the demo's rate and at 1,000 msg/s,
 * a monitor reading it, and the page open in chromium. Measures the dashboard's own CPU use
 * (from its /api/usage) and how long a message takes from the producer to the screen.
 */
export async function measureDashboard(brokers: string[]): Promise<DashboardLoad[]> {
  const results: DashboardLoad[] = [];
  for (const run of RUNS) results.push(await measureAt(brokers, run));
  return results;
}

async function measureAt(brokers: string[], { rate, seconds, sender }: (typeof RUNS)[number]): Promise<DashboardLoad> {
  const suffix = `${rate}-${Date.now().toString(36)}`;
  const topic = `bench-dashboard-${suffix}`;
  const admin = new Kafka(kafkaConfig(`bench-admin-${suffix}`, brokers)).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: DEFAULT_PARTITIONS }], waitForLeaders: true });
  const monitor = new DemoProcess(
    'monitor',
    ['--topic', topic, '--group', `bench-monitor-${suffix}`, '--solution'],
    brokers,
  );
  const { dashboard, url } = await DashboardProcess.start(['--topics', topic], {
    ...process.env,
    KAFKA_BROKERS: brokers.join(','),
  });
  const browser = await openBrowser();
  let stream: { stop(): Promise<void> } | undefined;
  try {
    await monitor.waitForLine(/Partitions assigned: 0, 1, 2$/, 30_000);
    await browser.page.goto(url);
    await browser.page.waitForSelector('.lane');
    const usage = async () =>
      (await (await fetch(new URL('/api/usage', url))).json()) as {
        cpuMicros: { user: number; system: number };
        uptimeMs: number;
      };

    // the stream flows for a fixed window; a busy machine reaches less than the rate asked, so
    // what arrived is counted on the broker
    const stored = async () =>
      (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
    stream =
      sender === 'simulator'
        ? await startSimulator(brokers, topic, rate)
        : await sendInBatches(brokers, topic, { rate, tickMs: 100 });
    // the page records when it first shows each message, on its own clock, through the window
    const watching = browser.page.evaluate<number[]>(firstSeenDelays(seconds * 1000));
    const [before, startCount, started] = [await usage(), await stored(), performance.now()];
    await setTimeout(seconds * 1000);
    const [after, endCount, sentFor] = [await usage(), await stored(), performance.now() - started];
    await stream.stop();
    const sent = endCount - startCount;
    const delays = (await watching).sort((a, b) => a - b);
    const cpu = after.cpuMicros.user + after.cpuMicros.system - (before.cpuMicros.user + before.cpuMicros.system);
    return {
      rate,
      cpuPercent: Math.round((cpu / 1000 / (after.uptimeMs - before.uptimeMs)) * 1000) / 10,
      p50Ms: percentile(delays, 50),
      p99Ms: percentile(delays, 99),
      shown: delays.length,
      sent,
      sentPerSecond: Math.round(sent / (sentFor / 1000)),
      sender,
    };
  } finally {
    await stream?.stop().catch(() => undefined);
    await browser.close();
    await dashboard.stop();
    await monitor.interrupt().catch(() => monitor.kill());
    await deleteTopicsQuietly(admin, [topic]);
    await admin.disconnect();
  }
}

/** The demo's simulator, as in a workshop room: stopping it waits for its sends in flight. */
async function startSimulator(brokers: string[], topic: string, rate: number) {
  const simulator = new DemoProcess('simulator', ['--topic', topic, '--rate', String(rate), '--solution'], brokers);
  await simulator.waitForLine(/Sent \d+ transactions/, 60_000);
  return { stop: async () => void (await simulator.interrupt(60_000).catch(() => simulator.kill())) };
}

/**
 * The page's side, as source text: tsx renames functions in a way the browser does not know.
 * Every animation frame it notes each message it shows for the first time, with the time since
 * the message was created (its Kafka timestamp, the same machine's clock). Messages already
 * on the page when it starts are not counted.
 */
function firstSeenDelays(forMs: number): string {
  return `new Promise((resolve) => {
    const seen = new Set();
    const delays = [];
    const end = Date.now() + ${forMs};
    let counting = false;
    function look() {
      const now = Date.now();
      for (const lane of document.querySelectorAll('.lane')) {
        for (const message of lane.querySelectorAll('.message')) {
          const id = lane.dataset.partition + '/' + message.dataset.offset;
          if (seen.has(id)) continue;
          seen.add(id);
          if (counting) delays.push(now - Number(message.dataset.timestamp));
        }
      }
      counting = true;
      if (now < end) requestAnimationFrame(look);
      else resolve(delays);
    }
    look();
  })`;
}

export function formatDashboardLoad(results: readonly DashboardLoad[]): string {
  const rows = results.map(
    (r) =>
      `| dashboard at ${r.rate} msg/s (${r.sender === 'simulator' ? 'the simulator' : 'batches every 100 ms'} reached ${r.sentPerSecond}) | ${r.cpuPercent} % | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.shown} of ${r.sent} |`,
  );
  return [
    '| what | its CPU (one core) | produce → screen p50 | p99 | messages shown |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
