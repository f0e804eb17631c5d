import { describe, expect, test } from 'vitest';
import { DashboardModel } from '../../dashboard/model.ts';
import type { PolledGroup, PollResult } from '../../dashboard/poll.ts';
import { TimeSeries } from '../../dashboard/series.ts';

const T = 'transactions';
const model = () => new DashboardModel({ mode: 'live', bootstrap: ['localhost:9092'], showing: 'every topic' });

function poll(ends: number[], groups: PolledGroup[], brokers = [1]): PollResult {
  return {
    brokers: brokers.map((nodeId) => ({ nodeId, address: `127.0.0.1:${9091 + nodeId}` })),
    controller: brokers[0] ?? null,
    topics: [
      {
        name: T,
        exists: true,
        partitions: ends.map((high, partition) => ({ partition, leader: 1, replicas: [1], isr: [1], low: 0, high })),
      },
    ],
    groups,
  };
}

function group(state: string, members: Record<string, number[]>, committed: number[] = []): PolledGroup {
  return {
    groupId: 'transaction-monitor',
    state,
    members: Object.entries(members).map(([memberId, partitions]) => ({
      memberId,
      clientId: `client-${memberId}`,
      host: '/127.0.0.1',
      owns: partitions.map((p) => `${T}/${p}` as const),
    })),
    committed: new Map(committed.map((offset, partition) => [`${T}/${partition}` as const, offset])),
  };
}

describe('DashboardModel', () => {
  test('a settled change of owners is a rebalance; the first look and the states in between are not', () => {
    const m = model();
    m.applyPoll(poll([0, 0, 0], [group('Stable', { m1: [0, 1, 2] })]), 1000);
    m.applyPoll(poll([0, 0, 0], [group('PreparingRebalance', { m1: [], m2: [] })]), 1500);
    expect(m.view(1500).rebalances).toEqual([]);
    m.applyPoll(poll([0, 0, 0], [group('Stable', { m1: [0, 1], m2: [2] })]), 2000);
    const view = m.view(2000);
    expect(view.rebalances.map((e) => e.summary)).toEqual([
      'transaction-monitor: B joined; moved partition 2 from A to B',
    ]);
    expect(view.groups[0]!.members.map((x) => [x.label, x.owns])).toEqual([
      ['A', [{ topic: T, partitions: [0, 1] }]],
      ['B', [{ topic: T, partitions: [2] }]],
    ]);
    expect(view.topics[0]!.partitions[2]!.readers).toEqual([{ groupId: 'transaction-monitor', member: 'B', lag: 0 }]);
  });

  test('lag per partition is the end offset minus the commit, with its history for the chart', () => {
    const m = model();
    m.applyPoll(poll([10, 10, 10], [group('Empty', {}, [10, 5])]), 1000);
    m.applyPoll(poll([20, 10, 10], [group('Empty', {}, [10, 5])]), 2000);
    const lag = m.view(2000).groups[0]!.lag;
    expect(lag.map((l) => [l.partition, l.committed, l.endOffset, l.lag])).toEqual([
      [0, 10, 20, 10],
      [1, 5, 10, 5],
      [2, null, 10, 10], // nothing committed: counted from the oldest message kept
    ]);
    expect(lag[0]!.history).toEqual([
      [-1000, 0],
      [0, 10],
    ]);
    expect(m.view(2000).groups[0]!.totalLag).toBe(25);
  });

  test('produce rate per partition from the end offsets', () => {
    const m = model();
    m.applyPoll(poll([0, 0, 0], []), 1000);
    m.applyPoll(poll([500, 100, 0], []), 2000);
    expect(m.view(2000).topics[0]!.partitions.map((p) => p.rate)).toEqual([500, 100, 0]);
  });

  test('a broker missing from a reading is shown down; a lost connection shows every broker down', () => {
    const m = model();
    m.connected(0);
    m.applyPoll(poll([0], [], [1, 2, 3]), 1000);
    m.applyPoll(poll([0], [], [1, 3]), 2000);
    expect(m.view(2000).brokers.map((b) => [b.nodeId, b.up])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    m.disconnected('cannot reach Kafka', 3000);
    const view = m.view(3000);
    expect(view.connection).toEqual({ state: 'down', problem: 'cannot reach Kafka', since: 3000 });
    expect(view.brokers.every((b) => !b.up)).toBe(true);
  });

  test('the lanes keep the newest few messages, newest first', () => {
    const m = model();
    const message = (offset: number) => ({ offset: String(offset), key: 'k', value: 'v', timestamp: offset });
    m.applyMessages(T, 0, [1, 2, 3].map(message));
    m.applyMessages(T, 0, [4, 5, 6, 7].map(message));
    m.applyPoll(poll([8], []), 1000);
    expect(m.view(1000).topics[0]!.partitions[0]!.messages.map((x) => x.offset)).toEqual(['7', '6', '5', '4', '3']);
  });

  test('the classroom keeps each learner’s latest result per lesson', () => {
    const m = new DashboardModel({
      mode: 'classroom',
      bootstrap: [],
      showing: '',
      lessons: [{ id: 'lesson-01', title: 'Producer basics' }],
    });
    const record = (state: 'passed' | 'not done', at: string) =>
      ({ learner: 'alice', lesson: 'lesson-01', state, passed: 0, failed: 0, todo: 0, at }) as const;
    m.applyOutcome(record('passed', '2026-01-01T10:05:00.000Z'));
    m.applyOutcome(record('not done', '2026-01-01T10:00:00.000Z')); // older, read later: ignored
    expect(m.view().classroom?.learners).toEqual([
      { name: 'alice', results: { 'lesson-01': record('passed', '2026-01-01T10:05:00.000Z') } },
    ]);
  });
});

describe('TimeSeries', () => {
  test('keeps only its window, and a rate is never negative', () => {
    const series = new TimeSeries(1000);
    series.add(0, 0);
    series.add(500, 50);
    series.add(1200, 60);
    expect(series.relativeTo(1200)).toEqual([
      [-700, 50],
      [0, 60],
    ]);
    series.add(2000, 0); // a topic deleted and made again starts at 0
    expect(series.ratePerSecond()).toBe(0);
  });
});
