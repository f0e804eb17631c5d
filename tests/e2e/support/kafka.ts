import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Kafka, type Admin } from 'kafkajs';
import { kafkaConfig } from '../../../workshop/config.ts';

/** A fresh name per use, so test runs never share a topic or a group. */
export function fresh(label: string): string {
  return `demo-e2e-${label}-${randomBytes(4).toString('hex')}`;
}

/** Topics made for a test file, created with their leaders ready and deleted at the end. */
export class TestTopics {
  private admin: Admin | undefined;
  private readonly names: string[] = [];

  constructor(private readonly brokers: string[]) {}

  private async connected(): Promise<Admin> {
    if (!this.admin) {
      this.admin = new Kafka(kafkaConfig(fresh('admin'), this.brokers)).admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  /** A topic name that something else (the simulator) will create; deleted at the end too. */
  name(label: string): string {
    const topic = fresh(label);
    this.names.push(topic);
    return topic;
  }

  async create(label: string, numPartitions = 3): Promise<string> {
    const topic = this.name(label);
    await (await this.connected()).createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
    return topic;
  }

  async deleteAll(): Promise<void> {
    const admin = await this.connected();
    const existing = new Set(await admin.listTopics());
    const topics = this.names.filter((topic) => existing.has(topic));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  }
}

/** A local port where nothing listens: a broker address that cannot answer. */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

export interface ReadBack {
  partition: number;
  key: string | null;
  value: string | null;
}

/** Reads the first `count` messages of a topic with a throw-away group; fails with what it saw. */
export async function readMessages(brokers: string[], topic: string, count: number, timeoutMs = 15_000): Promise<ReadBack[]> {
  const consumer = new Kafka(kafkaConfig(fresh('reader'), brokers)).consumer({ groupId: fresh('reader'), maxWaitTimeInMs: 100 });
  const messages: ReadBack[] = [];
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        messages.push({ partition, key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? null });
        if (messages.length >= count) done();
      },
    });
    await Promise.race([
      all,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`read ${messages.length} of ${count} messages from ${topic} within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    return messages;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
