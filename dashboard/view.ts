import type { RebalanceEvent } from './assignments.ts';
import type { CheckOutcomeRecord } from '../workshop/classroom.ts';

/**
 * What the page shows, as JSON: the server sends the whole view on every update (a few
 * kilobytes), so a page that reconnects, or opens late, is complete at once.
 */
export interface View {
  mode: 'live' | 'classroom';
  /** The bootstrap brokers the dashboard reads, as given. */
  bootstrap: string[];
  connection: ConnectionView;
  brokers: BrokerView[];
  topics: TopicView[];
  groups: GroupView[];
  /** Newest first. */
  rebalances: RebalanceEvent[];
  classroom?: ClassroomView;
  /** Which topics are shown, in words ("every topic", "transactions, fraud-alerts"). */
  showing: string;
  /** When the server built this view (ms since the epoch). */
  at: number;
}

export interface ConnectionView {
  state: 'connecting' | 'up' | 'down';
  /** For 'down': what went wrong, in one line. */
  problem?: string;
  /** ms since the epoch of the last change of state. */
  since: number;
}

export interface BrokerView {
  nodeId: number;
  address: string;
  up: boolean;
  controller: boolean;
}

export interface TopicView {
  name: string;
  /** False for a topic named with --topics that does not exist (yet). */
  exists: boolean;
  partitions: PartitionView[];
}

export interface PartitionView {
  partition: number;
  /** The broker that leads it; -1 while it has none (its replicas' brokers are down). */
  leader: number;
  replicas: number[];
  isr: number[];
  endOffset: number;
  /** Messages produced per second, over the last few seconds. */
  rate: number;
  /** Newest first, a few at most. */
  messages: MessageView[];
  /** Which member of each group reads it. */
  readers: Array<{ groupId: string; member?: string; lag: number }>;
}

export interface MessageView {
  offset: string;
  /** Escaped previews: printable text only. A null key is a message without a key. */
  key: string | null;
  value: string;
  timestamp: number;
}

export interface GroupView {
  groupId: string;
  /** Kafka's own word: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  state: string;
  members: MemberView[];
  lag: LagView[];
  totalLag: number;
}

export interface MemberView {
  /** A, B, C… in the order the dashboard first saw them: the same letter everywhere on the page. */
  label: string;
  colour: number;
  memberId: string;
  clientId: string;
  host: string;
  owns: Array<{ topic: string; partitions: number[] }>;
}

export interface LagView {
  topic: string;
  partition: number;
  /** The next offset the group will read; null when it has committed nothing there. */
  committed: number | null;
  endOffset: number;
  lag: number;
  owner?: string;
  /** [ms before `View.at`, lag], oldest first: the chart's line. */
  history: Array<[number, number]>;
}

export interface ClassroomView {
  topic: string;
  lessons: Array<{ id: string; title: string }>;
  learners: Array<{ name: string; results: Record<string, CheckOutcomeRecord> }>;
}
