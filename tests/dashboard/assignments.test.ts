import { describe, expect, test } from 'vitest';
import { diffAssignments, memberLabel, MemberLabels, type Assignment } from '../../dashboard/assignments.ts';

const T = 'transactions';
const assignment = (owners: Record<string, number[]>): Assignment =>
  new Map(Object.entries(owners).map(([label, partitions]) => [label, partitions.map((p) => `${T}/${p}` as const)]));

describe('diffAssignments: the rebalance timeline', () => {
  test('scenario 2: a second monitor joins and takes a partition', () => {
    const event = diffAssignments(
      'transaction-monitor',
      assignment({ A: [0, 1, 2] }),
      assignment({ A: [0, 1], B: [2] }),
      1,
    );
    expect(event).toEqual({
      at: 1,
      groupId: 'transaction-monitor',
      joined: ['B'],
      left: [],
      moved: [{ topic: T, partition: 2, from: 'A', to: 'B' }],
      summary: 'transaction-monitor: B joined; moved partition 2 from A to B',
    });
  });

  test('a monitor stops: its partitions go to the one left', () => {
    const event = diffAssignments('g', assignment({ A: [0, 1], B: [2] }), assignment({ A: [0, 1, 2] }), 2);
    expect(event?.summary).toBe('g: B left; moved partition 2 from B to A');
  });

  test('the last member stops: the partitions go to nobody', () => {
    const event = diffAssignments('g', assignment({ A: [0, 1] }), assignment({}), 3);
    expect(event?.moved).toEqual([
      { topic: T, partition: 0, from: 'A' },
      { topic: T, partition: 1, from: 'A' },
    ]);
    expect(event?.summary).toBe('g: A left; moved partition 0 from A to nobody, partition 1 from A to nobody');
  });

  test('the same assignment is no event', () => {
    expect(diffAssignments('g', assignment({ A: [0], B: [1] }), assignment({ B: [1], A: [0] }), 4)).toBeUndefined();
  });

  test('a member that joins with nothing to own (more members than partitions) is still an event', () => {
    const event = diffAssignments('g', assignment({ A: [0] }), assignment({ A: [0], B: [] }), 5);
    expect(event?.summary).toBe('g: B joined');
  });
});

describe('member labels', () => {
  test('A to Z, then A2…, and each member keeps its label', () => {
    expect([0, 1, 25, 26, 27].map(memberLabel)).toEqual(['A', 'B', 'Z', 'A2', 'B2']);
    const labels = new MemberLabels();
    expect([labels.labelOf('m1'), labels.labelOf('m2'), labels.labelOf('m1')]).toEqual(['A', 'B', 'A']);
    expect(MemberLabels.colourIndex('B2')).toBe(27);
  });
});
