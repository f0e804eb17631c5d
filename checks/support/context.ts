import { randomBytes } from 'node:crypto';
import { Kafka, type Admin, type KafkaConfig, type KafkaMessage } from 'kafkajs';
import { inject, type RunnerTestCase } from 'vitest';
import { defaultBrokers, kafkaConfig, learnerPrefix } from '../../workshop/config.ts';
import { createTopicReliably } from '../../workshop/kafka/new-topic-race.ts';
import { createTopicWithOthers } from './topic-batch.ts';
import { whenAlone } from './quiet-track.ts';
import { disconnectClients, releaseHandlers } from './tracked-kafkajs.ts';
import { waitFor, within } from './wait.ts';
import { deleteTopicsQuietly } from '../../workshop/platform/topic-deletion.ts';
import { deleteGroupsQuietly, groupsOfRuns } from '../../workshop/check/leftovers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    brokers: string[];
  }
}

/** A cleanup that takes longer (a learner's stop() that hangs) is left behind. */
const CLEANUP_TIMEOUT_MS = 5000;

/** A message as the check read it back from the broker. */
export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: KafkaMessage['headers'];
  timestamp: string;
}

/**
 * Everything one check run needs: fresh names (so concurrent runs never meet), the broker,
 * its own admin client, and a way to read back what landed. Whatever it creates is removed
 * when the check ends, pass or fail.
 */
export class CheckContext {
  readonly brokers: string[];
  private readonly prefix: string;
  readonly runId = randomBytes(4).toString('hex');
  private readonly cleanups: Array<() => unknown> = [];
  private readonly createdTopics: string[] = [];
  private adminClient: Admin | undefined;

  /**
   * `brokers` overrides the run's broker: lesson 08 brings a cluster of its own, a fault test a broker it may kill.
   * `test` is the vitest test the check runs in, for whenAlone.
   */
  constructor(
    readonly lessonId: string,
    brokers?: string[],
    private readonly test?: RunnerTestCase,
  ) {
    this.brokers = brokers ?? providedBrokers() ?? defaultBrokers();
    this.prefix = learnerPrefix();
  }

  /** A unique name such as "lesson-01-transactions-1a2b3c4d" ("alice.lesson-01-…" with WORKSHOP_LEARNER=alice). */
  name(label: string): string {
    return `${this.prefix}${this.lessonId}-${label}-${this.runId}`;
  }

  /** The kafkajs configuration to hand to the learner's code: this broker, a fresh client id. */
  connection(label = 'learner'): KafkaConfig {
    return kafkaConfig(this.name(label), this.brokers);
  }

  /** A kafkajs client owned by the check, never by the learner. */
  kafka(label = 'check'): Kafka {
    return new Kafka(this.connection(label));
  }

  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = this.kafka('check-admin').admin();
      await admin.connect();
      this.adminClient = admin;
    }
    return this.adminClient;
  }

  /** Creates a fresh topic (with topic `configs` such as max.message.bytes), waits for its leaders, and deletes it after the check. */
  async createTopic(label: string, numPartitions = 1, configs?: Record<string, string>): Promise<string> {
    const topic = this.name(label);
    // a second topic of the same name would be the first one, messages and all, not a fresh one
    if (this.createdTopics.includes(topic))
      throw new Error(`this check already made a topic labelled "${label}": give each topic a label of its own`);
    this.createdTopics.push(topic);
    await createTopicReliably(await this.admin(), topic, numPartitions, configs, createTopicWithOthers);
    return topic;
  }

  /** Marks a topic that the learner's code creates, so the check deletes it afterwards. */
  ownTopic(topic: string): string {
    this.createdTopics.push(topic);
    return topic;
  }

  /** Runs `race` while no other check of this lesson runs: a measure of speed is fair only on a quiet track. */
  whenAlone<T>(race: () => Promise<T>): Promise<T> {
    return whenAlone(this.test, race);
  }

  onCleanup(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** Offsets one past the last message of each partition: where a reader that has read everything stands. */
  async endOffsets(topic: string): Promise<Map<number, number>> {
    const offsets = await (await this.admin()).fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /** What a group has committed on a topic, by partition (-1 where nothing is committed). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    const [result] = await (await this.admin()).fetchOffsets({ groupId, topics: [topic] });
    return new Map((result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }

  /**
   * Reads every message now on the topic, in partition order, with a consumer of the check's
   * own. Returns once each partition has been read to its end offset as it was at the call.
   * Like any kafkajs consumer it reads committed only; `readUncommitted` shows the writes of
   * aborted transactions too. (With transactions, the end offset is the last stable offset.)
   */
  async readAll(topic: string, timeoutMs = 8000, options: { readUncommitted?: boolean } = {}): Promise<ReadMessage[]> {
    const ends = await this.endOffsets(topic);
    const total = [...ends.values()].reduce((sum, end) => sum + end, 0);
    const messages: ReadMessage[] = [];
    if (total === 0) return messages;
    const consumer = this.kafka('check-reader').consumer({
      groupId: this.name(`reader-${randomBytes(2).toString('hex')}`),
      maxWaitTimeInMs: 50,
      readUncommitted: options.readUncommitted ?? false,
    });
    const reached = new Map<number, number>();
    // the last record of a partition may be a transaction's commit marker, which no handler sees: the batch events do
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      reached.set(payload.partition, Math.max(reached.get(payload.partition) ?? 0, Number(payload.lastOffset) + 1));
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (Number(message.offset) >= (ends.get(partition) ?? 0)) return;
          messages.push({
            partition,
            offset: message.offset,
            key: message.key === null ? null : message.key.toString('utf8'),
            value: message.value,
            headers: message.headers,
            timestamp: message.timestamp,
          });
        },
      });
      await waitFor(
        () => ([...ends].every(([p, end]) => end === 0 || (reached.get(p) ?? 0) >= end) ? true : undefined),
        {
          timeoutMs,
          expected: `${total} message(s) on ${topic} to be readable`,
          lastSeen: () => `${messages.length} read`,
          likelyCause:
            'the broker is overloaded or restarting; run the check again (npm run kafka:status shows its state)',
        },
      );
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    // log compaction aside, offsets only grow within a partition: sort for a stable order
    return messages.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  }

  /**
   * Runs the cleanups in reverse order, each for at most a few seconds; never throws, so the
   * check's own failure stays visible. The learner's message handlers are let go of first: a
   * consumer cannot stop while its handler never returns.
   */
  async close(): Promise<void> {
    releaseHandlers(this.runId);
    for (const cleanup of this.cleanups.reverse()) {
      await within(Promise.resolve().then(cleanup), CLEANUP_TIMEOUT_MS, 'cleanup took too long').catch(() => undefined);
    }
    // whatever the learner's code connected with this run's names and left open
    await disconnectClients(this.runId);
    const admin = this.createdTopics.length > 0 ? await this.admin().catch(() => undefined) : this.adminClient;
    if (admin) {
      const [topics, groups] = await Promise.all([this.topicsToDelete(admin), groupsOfRuns(admin, [this.runId])]);
      // the groups first, while kafkajs can still ask for their topics' metadata
      await deleteGroupsQuietly(admin, groups);
      await deleteTopicsQuietly(admin, topics, { timeout: 5000 });
    }
    await this.adminClient?.disconnect().catch(() => undefined);
  }

  private async topicsToDelete(admin: Admin): Promise<string[]> {
    if (this.createdTopics.length === 0) return [];
    // a topic the learner's code was meant to create may not exist (an untouched stub):
    // asking to delete it would only make kafkajs retry for half a second
    const existing = new Set(await admin.listTopics().catch(() => this.createdTopics));
    // one name twice would make Kafka refuse the whole request
    return [...new Set(this.createdTopics)].filter((topic) => existing.has(topic));
  }
}

function providedBrokers(): string[] | undefined {
  try {
    return inject('brokers');
  } catch {
    return undefined;
  }
}
