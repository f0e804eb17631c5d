import { EventEmitter } from 'node:events';
import { Kafka, type Admin, type KafkaConfig } from 'kafkajs';
import { classroomTopic, parseOutcomeRecord } from '../workshop/classroom.ts';
import { DashboardModel, MESSAGES_PER_LANE } from './model.ts';
import { TopicPeek } from './peek.ts';
import { GroupScout, OWN_GROUP_PREFIX, pollKafka, type TopicSelection } from './poll.ts';
import { previewBytes, previewKey } from './preview.ts';
import type { View } from './view.ts';

/** Admin readings this often: the page is at most about a second behind Kafka. */
const POLL_MS = 500;
/** While the broker is away, knock this often. */
const RETRY_MS = 2000;

export interface DashboardOptions {
  connection: KafkaConfig;
  bootstrap: string[];
  classroom: boolean;
  /** --topics: exactly these; otherwise every topic but Kafka's own and the checks' throw-away ones. */
  topics?: string[];
  lessons: Array<{ id: string; title: string }>;
  env?: NodeJS.ProcessEnv;
}

/**
 * The dashboard's engine: reads Kafka through the admin API every half second, peeks at the
 * newest messages with a consumer of its own, and keeps the model. 'change' fires whenever the
 * view may differ; the server decides how often to send it.
 */
export class Dashboard extends EventEmitter<{ change: [] }> {
  readonly model: DashboardModel;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly peek: TopicPeek;
  private readonly feed: TopicPeek | undefined;
  private readonly selection: TopicSelection;
  private readonly scout = new GroupScout();
  private readonly classroomTopic: string;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private adminConnected = false;

  constructor(private readonly options: DashboardOptions) {
    super();
    this.classroomTopic = classroomTopic(options.env);
    this.selection = { ...(options.topics ? { named: options.topics } : {}), hidden: [this.classroomTopic] };
    this.model = new DashboardModel({
      mode: options.classroom ? 'classroom' : 'live',
      bootstrap: options.bootstrap,
      showing: options.topics ? options.topics.join(', ') : 'every topic',
      lessons: options.lessons,
      classroomTopic: this.classroomTopic,
    });
    this.kafka = new Kafka(options.connection);
    this.admin = this.kafka.admin();
    const id = `${OWN_GROUP_PREFIX}${process.pid}-${Date.now().toString(36)}`;
    this.peek = new TopicPeek(this.kafka, {
      groupId: `${id}-lanes`,
      fromBeginning: false,
      startAt: (topic, partition) => this.backfillFrom(topic, partition),
      onBatch: (topic, partition, messages) => {
        this.model.applyMessages(
          topic,
          partition,
          messages.slice(-MESSAGES_PER_LANE).map((m) => ({
            offset: m.offset,
            key: previewKey(m.key),
            value: previewBytes(m.value),
            timestamp: Number(m.timestamp),
          })),
        );
        this.emit('change');
      },
      onProblem: () => undefined, // the admin readings report the broker's state
    });
    if (options.classroom) {
      this.feed = new TopicPeek(this.kafka, {
        groupId: `${id}-classroom`,
        fromBeginning: true,
        onBatch: (_topic, _partition, messages) => {
          for (const message of messages) {
            const record = parseOutcomeRecord(message.value);
            if (record) this.model.applyOutcome(record);
          }
          this.emit('change');
        },
        onProblem: () => undefined,
      });
    }
  }

  view(): View {
    return this.model.view();
  }

  start(): void {
    this.running = true;
    void this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await Promise.all([this.peek.stop(), this.feed?.stop()]);
    await this.admin.disconnect().catch(() => undefined);
  }

  /** One reading, then the next after a pause; readings never overlap. */
  private async tick(): Promise<void> {
    const wasUp = this.model.connectionState === 'up';
    try {
      if (!this.adminConnected) {
        await this.admin.connect();
        this.adminConnected = true;
      }
      const poll = await pollKafka(
        this.admin,
        this.options.classroom ? { named: [], hidden: [] } : this.selection,
        this.scout,
      );
      this.model.connected();
      this.model.applyPoll(poll);
      if (!this.options.classroom) {
        const existing = poll.topics.filter((topic) => topic.exists).map((topic) => topic.name);
        if (!wasUp) await this.peek.refresh();
        void this.peek.follow(existing);
      } else if (this.feed) {
        const exists = (await this.admin.listTopics()).includes(this.classroomTopic);
        if (!wasUp) await this.feed.refresh();
        void this.feed.follow(exists ? [this.classroomTopic] : []);
      }
    } catch (error) {
      // one request refused (a coordinator still loading, a topic deleted mid-reading) is not a lost broker
      if (await this.brokerAnswers()) return this.next();
      this.model.disconnected(describeProblem(error, this.options.bootstrap));
      // a fresh connection next time: kafkajs's admin may still hold the dead broker's sockets
      this.adminConnected = false;
      await this.admin.disconnect().catch(() => undefined);
    }
    this.next();
  }

  private next(): void {
    this.emit('change');
    if (this.running)
      this.timer = setTimeout(() => void this.tick(), this.model.connectionState === 'up' ? POLL_MS : RETRY_MS);
  }

  private async brokerAnswers(): Promise<boolean> {
    if (!this.adminConnected) return false;
    try {
      await this.admin.describeCluster();
      return true;
    } catch {
      return false;
    }
  }

  private backfillFrom(topic: string, partition: number): number | undefined {
    const view = this.model.view();
    const p = view.topics.find((t) => t.name === topic)?.partitions.find((q) => q.partition === partition);
    return p ? Math.max(0, p.endOffset - MESSAGES_PER_LANE) : undefined;
  }
}

function describeProblem(error: unknown, bootstrap: string[]): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `cannot reach Kafka at ${bootstrap.join(', ')} (${reason})`;
}
