import { expect, test } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { coordinatorPartition, groupOn } from '../workshop/broker/coordinators.ts';
import LongestFirstSequencer, { LONGEST_FIRST } from '../workshop/check/sequencer.ts';
import { testWorkers } from '../workshop/check/suites.ts';
import { splitByBroker, testFilesUnder } from '../workshop/check/test-needs.ts';

test("a group's partition of __consumer_offsets is Kafka's: abs(Java's String.hashCode) % partitions", () => {
  // computed with the JDK: "s".hashCode(), then Kafka's Utils.abs
  expect(coordinatorPartition('hello', 50)).toBe(22);
  expect(coordinatorPartition('hello', 3)).toBe(1);
  expect(coordinatorPartition('polygenelubricants', 50)).toBe(0); // hashCode is Integer.MIN_VALUE
  expect(coordinatorPartition('workshop-ready-abc-7', 50)).toBe(6);
  expect(coordinatorPartition('transaction-monitor', 50)).toBe(23);
  for (let p = 0; p < 3; p++) expect(coordinatorPartition(groupOn(p, 3, 'x'), 3)).toBe(p);
});

test('test files run side by side: two per core, at least 4, at most 12, or what WORKSHOP_TEST_WORKERS says', () => {
  expect(testWorkers({}, 1)).toBe(4);
  expect(testWorkers({}, 2)).toBe(4);
  expect(testWorkers({}, 4)).toBe(8);
  expect(testWorkers({}, 16)).toBe(12);
  expect(testWorkers({ WORKSHOP_TEST_WORKERS: '2' }, 2)).toBe(2);
  expect(testWorkers({ WORKSHOP_TEST_WORKERS: 'many' }, 2)).toBe(4);
});

test('a test file that asks for the run broker, itself or through a module it imports, is e2e; one that does not is unit', () => {
  const files = ['uses.ts', 'plain.ts', 'dynamic.ts'].map((name) => `tests/fixtures/test-needs/${name}`);
  expect(splitByBroker(files)).toEqual({ unit: [files[1]], broker: [files[0], files[2]] });
});

test('every test file of npm test lands in exactly one engine-room project', () => {
  const files = testFilesUnder('tests', ['tests/faults']);
  const { unit, broker } = splitByBroker(files, ['tests/e2e']);
  expect([...unit, ...broker].sort()).toEqual(files);
  expect(unit).toContain('tests/docs.test.ts');
  expect(broker).toContain('tests/e2e/demo.test.ts');
  expect(files.some((file) => file.startsWith('tests/faults/'))).toBe(false);
});

test('npm test begins with the projects whose files take longest, in their group order, each in the order vitest gives it', async () => {
  const spec = (project: string, file: string, groupOrder = 0) =>
    ({
      project: { name: project, config: { sequence: { groupOrder }, isolate: false } },
      moduleId: `/project/${file}`,
    }) as unknown as TestSpecification;
  const noHistory = { getFileTestResults: () => undefined, getFileStats: () => undefined };
  const sequencer = new LongestFirstSequencer({ cache: noHistory, config: { root: '/project' } } as unknown as Vitest);
  const files = [
    spec('e2e', 'tests/e2e/demo.test.ts', 1),
    spec('solutions', 'checks/01.check.ts'),
    spec('stubs', 'checks/01.check.ts'),
    spec('unit', 'tests/docs.test.ts'),
    spec('wrong-answers', 'checks/01.check.ts'),
    spec('variants', 'checks/03.check.ts'),
    spec('variants', 'checks/01.check.ts'),
  ];
  const sorted = await sequencer.sort(files);
  expect(sorted.map((s) => `${s.project.name} ${s.moduleId.slice('/project/'.length)}`)).toEqual([
    'variants checks/03.check.ts',
    'variants checks/01.check.ts',
    'wrong-answers checks/01.check.ts',
    'unit tests/docs.test.ts',
    'solutions checks/01.check.ts',
    'stubs checks/01.check.ts',
    'e2e tests/e2e/demo.test.ts',
  ]);
  expect([...LONGEST_FIRST].sort()).toEqual(['solutions', 'stubs', 'unit', 'variants', 'wrong-answers']);
});
