import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka } from 'kafkajs';
import { ensureKafkaJars } from '../broker/jars.ts';
import { installedJavaMajorVersion, javaCommand } from '../broker/java.ts';
import { KAFKA_VERSION } from '../broker/version.ts';
import { kafkaConfig } from '../config.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { isTodoError } from '../todo.ts';
import { median } from './measure.ts';
import { waitFor } from '../wait.ts';
import { deleteTopicsQuietly } from '../platform/topic-deletion.ts';

/** One line of the throughput table. */
export interface ThroughputRow {
  name: string;
  /** NaN when the row could not be measured; `status` then says why. */
  messagesPerSecond: number;
  /** messagesPerSecond divided by the Java tool's: NaN when either is missing. */
  ratioToJava: number;
  status?: string;
}

export interface ThroughputOptions {
  /** Messages per run for the tuned producers and the Java tool (default 100,000). */
  messages?: number;
  /** Runs per row; the table shows the median (default 3). */
  runs?: number;
  log?: (line: string) => void;
}

/** What lesson 07 asks of a producer (lessons/07-batching-and-throughput/producer.ts). */
interface BulkSender {
  connect(): Promise<void>;
  sendAll(messages: ReadonlyArray<{ key: string; value: Buffer }>): Promise<void>;
  close(): Promise<void>;
}
type SenderClass = new (connection: ReturnType<typeof kafkaConfig>, topic: string) => BulkSender;
interface Row {
  name: string;
  measure?: () => Promise<number>;
  status?: string;
}

const LESSON = '07-batching-and-throughput';
const RECORD_SIZE = 100;
const PARTITIONS = 3;
const JAVA_TOOL = 'org.apache.kafka.tools.ProducerPerformance';
/** One awaited round trip per message: a sample this size takes seconds, and says all it can. */
const NAIVE_MESSAGES = 2000;

/**
 * Messages per second on one broker, for the same 100-byte messages: one awaited kafkajs send
 * per message, lesson 07's solution, the learner's own lesson 07 producer, and Kafka's own Java
 * ProducerPerformance from the pinned Apache Kafka tools jar. All ask for acks=all (-1), use no
 * compression, and are timed alike (see kafkajsRate). Each row is the median of `runs` runs,
 * each on a fresh topic of 3 partitions, the rows taking turns to go first.
 */
export async function measureThroughput(brokers: string[], options: ThroughputOptions = {}): Promise<ThroughputRow[]> {
  const messages = options.messages ?? 100_000;
  const runs = options.runs ?? 3;
  const log = options.log ?? (() => undefined);
  // one payload, as ProducerPerformance's --record-size uses one: random capital letters
  const payload = Buffer.from(Array.from(randomBytes(RECORD_SIZE), (byte) => 65 + (byte % 26)));
  const topics = new TopicFactory(brokers);

  const solution = await importSender('solutions');
  const learner = await importSender('lessons');
  const learnerProblem = learner.problem ?? (await notReady(learner.FastSender, brokers));
  const senderRow = (name: string, Sender: SenderClass | undefined, problem: string | undefined, count: number): Row =>
    problem || !Sender
      ? { name, status: problem ?? 'not exported' }
      : { name, measure: () => kafkajsRate(Sender, brokers, topics, payload, count) };
  const rows: Row[] = [
    senderRow(
      `kafkajs, one awaited send per message (${Math.min(NAIVE_MESSAGES, messages).toLocaleString('en-US')} messages)`,
      solution.OneByOneSender,
      solution.problem,
      Math.min(NAIVE_MESSAGES, messages),
    ),
    senderRow('kafkajs, tuned (solutions/07 FastSender)', solution.FastSender, solution.problem, messages),
    senderRow('kafkajs, yours (lessons/07 FastSender)', learner.FastSender, learnerProblem, messages),
    {
      name: `Java ProducerPerformance (Kafka ${KAFKA_VERSION})`,
      ...(await javaRow(brokers, topics, payload, messages, log)),
    },
  ];

  const rates = new Map<number, number[]>();
  try {
    for (let run = 1; run <= runs; run++) {
      // each run starts with another row, so no producer always races right after the Java tool
      const order = rows.map((_, i) => (i + run - 1) % rows.length);
      for (const index of order) {
        const row = rows[index]!;
        if (!row.measure || row.status) continue;
        log(`run ${run}/${runs}: ${row.name}…`);
        try {
          rates.set(index, [...(rates.get(index) ?? []), await row.measure()]);
        } catch (error) {
          row.status = statusOf(error);
        }
      }
    }
  } finally {
    await topics.deleteAll();
  }
  const measured = rows.map((row, index) => ({
    name: row.name,
    messagesPerSecond: row.status ? NaN : median(rates.get(index) ?? [NaN]),
    ...(row.status ? { status: row.status } : {}),
  }));
  const java = measured[3]!.messagesPerSecond;
  return measured.map((row) => ({ ...row, ratioToJava: row.messagesPerSecond / java }));
}

/** A markdown table: messages per second and the ratio to the Java tool, or why a row has no number. */
export function formatThroughputTable(rows: readonly ThroughputRow[]): string {
  const number = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
  const ratio = (n: number) => (Number.isFinite(n) ? `${n < 0.1 ? n.toFixed(3) : n.toFixed(2)}×` : '–');
  return [
    '| producer | messages/s | vs Java |',
    '| --- | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.status ?? number(row.messagesPerSecond)} | ${row.status ? '–' : ratio(row.ratioToJava)} |`,
    ),
  ].join('\n');
}

async function importSender(
  folder: 'lessons' | 'solutions',
): Promise<{ FastSender?: SenderClass; OneByOneSender?: SenderClass; problem?: string }> {
  const file = path.join(PROJECT_ROOT, folder, LESSON, 'producer.ts');
  if (!fs.existsSync(file)) return { problem: `${folder}/${LESSON}/producer.ts is missing` };
  try {
    return (await import(pathToFileURL(file).href)) as { FastSender?: SenderClass; OneByOneSender?: SenderClass };
  } catch (error) {
    return { problem: statusOf(error) };
  }
}

/** The learner's row has a number only when their FastSender is written: a stub says "not done yet". */
async function notReady(Sender: SenderClass | undefined, brokers: string[]): Promise<string | undefined> {
  if (!Sender) return 'no FastSender exported';
  try {
    // constructing it is enough to meet a todo(); nothing connects yet
    new Sender(kafkaConfig('bench-probe', brokers), 'bench-probe');
    return undefined;
  } catch (error) {
    return statusOf(error);
  }
}

function statusOf(error: unknown): string {
  if (isTodoError(error)) return 'not done yet';
  return `failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 80)}`;
}

/**
 * Timed the way ProducerPerformance times itself: from before the first connection to the last
 * acknowledgement, so both sides pay for connecting, fetching metadata and warming up their JIT.
 */
async function kafkajsRate(
  Sender: SenderClass,
  brokers: string[],
  topics: TopicFactory,
  payload: Buffer,
  count: number,
): Promise<number> {
  const topic = await topics.create();
  const messages = keyed(payload, count);
  const sender = new Sender(kafkaConfig(`bench-${randomBytes(3).toString('hex')}`, brokers), topic);
  try {
    const started = performance.now();
    await sender.connect();
    await sender.sendAll(messages);
    return (count / (performance.now() - started)) * 1000;
  } finally {
    await sender.close();
  }
}

/** Keyed by account, as the lesson sends them; ProducerPerformance sends no keys. */
function keyed(payload: Buffer, count: number): Array<{ key: string; value: Buffer }> {
  return Array.from({ length: count }, (_, i) => ({ key: String(1000 + (i % 1000)), value: payload }));
}

async function javaRow(
  brokers: string[],
  topics: TopicFactory,
  payload: Buffer,
  messages: number,
  log: (line: string) => void,
): Promise<Omit<Row, 'name'>> {
  const java = installedJavaMajorVersion();
  if (java === undefined || java < 17)
    return { status: java === undefined ? 'needs Java 17+ (none found)' : `needs Java 17+ (found ${java})` };
  const jars = await ensureKafkaJars(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-bench-'));
  const payloadFile = path.join(dir, 'payload.txt');
  fs.writeFileSync(payloadFile, payload);
  return {
    measure: async () => {
      const topic = await topics.create();
      const output = await runJava([
        '-cp',
        path.join(jars, '*'),
        JAVA_TOOL,
        '--topic',
        topic,
        '--num-records',
        String(messages),
        '--payload-file',
        payloadFile,
        '--throughput',
        '-1',
        '--producer-props',
        `bootstrap.servers=${brokers.join(',')}`,
        'acks=all',
      ]);
      return parseProducerPerformance(output);
    },
  };
}

/** "100000 records sent, 95328.9 records/sec (9.09 MB/sec), …": the tool's last line, its overall rate. */
export function parseProducerPerformance(output: string): number {
  const lines = output.split(/\r?\n/).filter((line) => / records sent, [\d.]+ records\/sec/.test(line));
  const last = lines[lines.length - 1];
  if (!last)
    throw new Error(
      `ProducerPerformance printed no result: ${output.trim().split('\n').slice(-2).join(' / ').slice(0, 200)}`,
    );
  return Number(/ records sent, ([\d.]+) records\/sec/.exec(last)![1]);
}

function runJava(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(javaCommand(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(
            new Error(
              `ProducerPerformance exited ${code}: ${output.trim().split('\n').slice(-3).join(' / ').slice(0, 300)}`,
            ),
          ),
    );
  });
}

/** Fresh topics for the runs, all deleted at the end. */
class TopicFactory {
  private readonly created: string[] = [];
  private readonly admin;

  constructor(brokers: string[]) {
    this.admin = new Kafka(kafkaConfig('bench-admin', brokers)).admin();
  }

  async create(): Promise<string> {
    if (this.created.length === 0) await this.admin.connect();
    const topic = `bench-throughput-${randomBytes(4).toString('hex')}`;
    this.created.push(topic);
    await this.admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    // on KRaft a new topic takes writes a moment after it is created: wait until every partition answers
    return waitFor(
      async () =>
        (await this.admin.fetchTopicOffsets(topic).catch(() => [])).length === PARTITIONS ? topic : undefined,
      { timeoutMs: 5000, expected: `leaders for every partition of ${topic}` },
    );
  }

  async deleteAll(): Promise<void> {
    if (this.created.length === 0) return;
    await deleteTopicsQuietly(this.admin, this.created);
    await this.admin.disconnect();
  }
}
