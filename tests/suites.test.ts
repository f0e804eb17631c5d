import { expect, test } from 'vitest';
import { coordinatorPartition, groupOn } from '../workshop/broker/coordinators.ts';
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
