import {
  diffAssignments,
  MemberLabels,
  partitionRef,
  splitRef,
  type Assignment,
  type PartitionRef,
  type RebalanceEvent,
} from './assignments.ts';
import type { PolledGroup, PollResult } from './poll.ts';
import { TimeSeries } from './series.ts';
import type { CheckOutcomeRecord } from '../workshop/classroom.ts';
import type {
  BrokerView,
  ClassroomView,
  ConnectionView,
  GroupView,
  LagView,
  MessageView,
  TopicView,
  View,
} from './view.ts';

/** How far back the lag chart looks. */
export const LAG_WINDOW_MS = 60_000;
/** The produce rate is the end offsets' growth over this window. */
const RATE_WINDOW_MS = 3000;
/** Newest messages kept per partition: at 1,000 msg/s the lanes show the latest, not all. */
export const MESSAGES_PER_LANE = 5;
const REBALANCES_KEPT = 50;

export interface ModelOptions {
  mode: 'live' | 'classroom';
  bootstrap: string[];
  showing: string;
  lessons?: Array<{ id: string; title: string }>;
  classroomTopic?: string;
}

/**
 * Everything the dashboard knows, built from admin readings and peeked messages, and turned
 * into the page's View on demand. It compares each reading with the last: a group whose
 * settled assignment changed becomes an event on the rebalance timeline.
 */
export class DashboardModel {
  private connection: ConnectionView = { state: 'connecting', since: Date.now() };
  private poll: PollResult | undefined;
  private readonly brokersSeen = new Map<number, string>();
  private readonly endOffsets = new Map<PartitionRef, TimeSeries>();
  private readonly lagHistory = new Map<string, Map<PartitionRef, TimeSeries>>();
  private readonly labels = new Map<string, MemberLabels>();
  private readonly settled = new Map<string, Assignment>();
  private readonly rebalances: RebalanceEvent[] = [];
  private readonly messages = new Map<PartitionRef, MessageView[]>();
  private readonly outcomes = new Map<string, Map<string, CheckOutcomeRecord>>();
  /** "group\nlabel" → colour: every member on the page has its own colour, across groups too. */
  private readonly colours = new Map<string, number>();

  constructor(private readonly options: ModelOptions) {}

  connected(now = Date.now()): void {
    if (this.connection.state !== 'up') this.connection = { state: 'up', since: now };
  }

  disconnected(problem: string, now = Date.now()): void {
    if (this.connection.state !== 'down' || this.connection.problem !== problem)
      this.connection = {
        state: 'down',
        problem,
        since: this.connection.state === 'down' ? this.connection.since : now,
      };
  }

  get connectionState(): ConnectionView['state'] {
    return this.connection.state;
  }

  applyPoll(poll: PollResult, now = Date.now()): void {
    this.poll = poll;
    for (const broker of poll.brokers) this.brokersSeen.set(broker.nodeId, broker.address);
    for (const topic of poll.topics) {
      for (const p of topic.partitions) {
        const ref = partitionRef(topic.name, p.partition);
        let series = this.endOffsets.get(ref);
        if (!series) this.endOffsets.set(ref, (series = new TimeSeries(RATE_WINDOW_MS)));
        series.add(now, p.high);
      }
    }
    for (const group of poll.groups) {
      this.noteRebalance(group, now);
      const history = this.lagHistory.get(group.groupId) ?? new Map<PartitionRef, TimeSeries>();
      this.lagHistory.set(group.groupId, history);
      for (const lag of this.lagOf(group)) {
        const ref = partitionRef(lag.topic, lag.partition);
        let series = history.get(ref);
        if (!series) history.set(ref, (series = new TimeSeries(LAG_WINDOW_MS)));
        series.add(now, lag.lag);
      }
    }
  }

  /** The newest messages of one partition, newest last, as the peeking consumer read them. */
  applyMessages(topic: string, partition: number, newest: readonly MessageView[]): void {
    const ref = partitionRef(topic, partition);
    const kept = [...newest.slice(-MESSAGES_PER_LANE).reverse(), ...(this.messages.get(ref) ?? [])];
    this.messages.set(ref, kept.slice(0, MESSAGES_PER_LANE));
  }

  applyOutcome(record: CheckOutcomeRecord): void {
    const results = this.outcomes.get(record.learner) ?? new Map<string, CheckOutcomeRecord>();
    this.outcomes.set(record.learner, results);
    const previous = results.get(record.lesson);
    if (!previous || previous.at <= record.at) results.set(record.lesson, record);
  }

  view(now = Date.now()): View {
    const groups = (this.poll?.groups ?? []).map((group) => this.groupView(group, now));
    return {
      mode: this.options.mode,
      bootstrap: this.options.bootstrap,
      connection: this.connection,
      brokers: this.brokerViews(),
      topics: this.topicViews(groups),
      groups,
      rebalances: this.rebalances,
      ...(this.options.mode === 'classroom' ? { classroom: this.classroomView() } : {}),
      showing: this.options.showing,
      at: now,
    };
  }

  private colourOf(groupId: string, label: string): number {
    const key = `${groupId}\n${label}`;
    let colour = this.colours.get(key);
    if (colour === undefined) this.colours.set(key, (colour = this.colours.size));
    return colour;
  }

  private labelsOf(groupId: string): MemberLabels {
    let labels = this.labels.get(groupId);
    if (!labels) this.labels.set(groupId, (labels = new MemberLabels()));
    return labels;
  }

  /** Only settled states are compared: mid-rebalance, members hold no partitions for a moment. */
  private noteRebalance(group: PolledGroup, now: number): void {
    if (group.state !== 'Stable' && group.state !== 'Empty') return;
    const labels = this.labelsOf(group.groupId);
    const assignment: Assignment = new Map(group.members.map((m) => [labels.labelOf(m.memberId), m.owns]));
    const before = this.settled.get(group.groupId);
    this.settled.set(group.groupId, assignment);
    if (!before) return; // the first look at a group is where the timeline starts, not an event
    const event = diffAssignments(group.groupId, before, assignment, now);
    if (event) {
      this.rebalances.unshift(event);
      this.rebalances.length = Math.min(this.rebalances.length, REBALANCES_KEPT);
    }
  }

  private lagOf(group: PolledGroup): Array<Omit<LagView, 'history'>> {
    const owners = new Map<PartitionRef, string>();
    const labels = this.labelsOf(group.groupId);
    for (const member of group.members) for (const ref of member.owns) owners.set(ref, labels.labelOf(member.memberId));
    const lags: Array<Omit<LagView, 'history'>> = [];
    for (const topic of this.poll?.topics ?? []) {
      const reads = topic.partitions.some((p) => {
        const ref = partitionRef(topic.name, p.partition);
        return owners.has(ref) || group.committed.has(ref);
      });
      if (!reads) continue;
      for (const p of topic.partitions) {
        const ref = partitionRef(topic.name, p.partition);
        const committed = group.committed.get(ref) ?? null;
        // nothing committed yet: the group starts at the oldest message still kept (as lesson 05 counts it)
        const lag = Math.max(0, p.high - (committed ?? p.low));
        const owner = owners.get(ref);
        lags.push({
          topic: topic.name,
          partition: p.partition,
          committed,
          endOffset: p.high,
          lag,
          ...(owner ? { owner } : {}),
        });
      }
    }
    return lags;
  }

  private groupView(group: PolledGroup, now: number): GroupView {
    const labels = this.labelsOf(group.groupId);
    const history = this.lagHistory.get(group.groupId);
    const lag = this.lagOf(group).map((l) => ({
      ...l,
      history: history?.get(partitionRef(l.topic, l.partition))?.relativeTo(now) ?? [],
    }));
    return {
      groupId: group.groupId,
      state: group.state,
      members: group.members
        .map((member) => {
          const label = labels.labelOf(member.memberId);
          const byTopic = new Map<string, number[]>();
          for (const ref of member.owns) {
            const { topic, partition } = splitRef(ref);
            byTopic.set(
              topic,
              [...(byTopic.get(topic) ?? []), partition].sort((a, b) => a - b),
            );
          }
          return {
            label,
            colour: this.colourOf(group.groupId, label),
            memberId: member.memberId,
            clientId: member.clientId,
            host: member.host,
            owns: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
          };
        })
        .sort((a, b) => MemberLabels.colourIndex(a.label) - MemberLabels.colourIndex(b.label)),
      lag,
      totalLag: lag.reduce((sum, l) => sum + l.lag, 0),
    };
  }

  private topicViews(groups: GroupView[]): TopicView[] {
    return (this.poll?.topics ?? []).map((topic) => ({
      name: topic.name,
      exists: topic.exists,
      partitions: topic.partitions.map((p) => {
        const ref = partitionRef(topic.name, p.partition);
        return {
          partition: p.partition,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          endOffset: p.high,
          rate: Math.round((this.endOffsets.get(ref)?.ratePerSecond() ?? 0) * 10) / 10,
          messages: this.messages.get(ref) ?? [],
          readers: groups.flatMap((group) => {
            const lag = group.lag.find((l) => l.topic === topic.name && l.partition === p.partition);
            return lag ? [{ groupId: group.groupId, ...(lag.owner ? { member: lag.owner } : {}), lag: lag.lag }] : [];
          }),
        };
      }),
    }));
  }

  private brokerViews(): BrokerView[] {
    const up = new Set((this.poll?.brokers ?? []).map((b) => b.nodeId));
    const reachable = this.connection.state === 'up';
    return [...this.brokersSeen]
      .sort(([a], [b]) => a - b)
      .map(([nodeId, address]) => ({
        nodeId,
        address,
        up: reachable && up.has(nodeId),
        controller: this.poll?.controller === nodeId,
      }));
  }

  private classroomView(): ClassroomView {
    return {
      topic: this.options.classroomTopic ?? '',
      lessons: this.options.lessons ?? [],
      learners: [...this.outcomes]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, results]) => ({ name, results: Object.fromEntries(results) })),
    };
  }
}
