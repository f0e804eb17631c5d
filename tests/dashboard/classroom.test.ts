import { describe, expect, test } from 'vitest';
import type { LessonResult } from '../../workshop/check/outcome.ts';
import {
  classroomTopic,
  DEFAULT_CLASSROOM_TOPIC,
  lessonState,
  outcomeRecord,
  parseOutcomeRecord,
  shareWithClassroom,
} from '../../workshop/classroom.ts';
import { ConfigError } from '../../workshop/config.ts';

const result = (states: Array<'passed' | 'failed' | 'todo'>, fileErrors: string[] = []): LessonResult => ({
  lessonId: 'lesson-03',
  fileErrors,
  outcomes: states.map((state, i) =>
    state === 'passed'
      ? { name: `check ${i}`, state, durationMs: 1 }
      : { name: `check ${i}`, state, message: 'why', durationMs: 1 },
  ),
});

describe('the classroom record of a check', () => {
  test('passed, failed or not done, with the counts', () => {
    expect(lessonState(result(['passed', 'passed']))).toBe('passed');
    expect(lessonState(result(['passed', 'todo']))).toBe('not done');
    expect(lessonState(result(['todo', 'failed']))).toBe('failed');
    expect(lessonState(result(['passed'], ['SyntaxError in consumer.ts']))).toBe('failed');
    expect(lessonState(result([]))).toBe('failed');
    expect(outcomeRecord('alice', result(['passed', 'todo']), new Date('2026-01-01T10:00:00Z'))).toEqual({
      learner: 'alice',
      lesson: 'lesson-03',
      state: 'not done',
      passed: 1,
      failed: 0,
      todo: 1,
      at: '2026-01-01T10:00:00.000Z',
    });
  });

  test('what the dashboard reads back; anything else on the topic is ignored', () => {
    const record = outcomeRecord('alice', result(['passed']));
    expect(parseOutcomeRecord(Buffer.from(JSON.stringify(record)))).toEqual(record);
    for (const junk of ['not json', '42', '{"learner":"bob"}', JSON.stringify({ ...record, state: 'great' })])
      expect(parseOutcomeRecord(Buffer.from(junk))).toBeUndefined();
    expect(parseOutcomeRecord(null)).toBeUndefined();
  });

  test('the topic: WORKSHOP_CLASSROOM_TOPIC, else the default', () => {
    expect(classroomTopic({})).toBe(DEFAULT_CLASSROOM_TOPIC);
    expect(classroomTopic({ WORKSHOP_CLASSROOM_TOPIC: 'room-7' })).toBe('room-7');
  });
});

describe('shareWithClassroom', () => {
  test('without WORKSHOP_LEARNER nothing is published, and no connection is even tried', async () => {
    const printed: string[] = [];
    // a broker address where nothing listens: any attempt would take seconds and print a warning
    await shareWithClassroom(result(['passed']), ['127.0.0.1:1'], (line) => printed.push(line), {});
    expect(printed).toEqual([]);
  });

  test('a cluster that cannot be reached costs one warning line, never the check', async () => {
    const printed: string[] = [];
    await shareWithClassroom(result(['passed']), ['127.0.0.1:1'], (line) => printed.push(line), {
      WORKSHOP_LEARNER: 'alice',
      KAFKA_BROKERS: '127.0.0.1:1',
    });
    expect(printed).toEqual([
      expect.stringMatching(
        /^⚠️ {2}Could not share this result with the classroom on topic workshop\.check-outcomes \(.+\); the check itself is unaffected\.$/,
      ),
    ]);
  });

  test('a WORKSHOP_LEARNER that cannot start a topic name is refused as the checks refuse it', async () => {
    await expect(
      shareWithClassroom(result(['passed']), [], () => undefined, { WORKSHOP_LEARNER: 'a b' }),
    ).rejects.toThrow(ConfigError);
  });
});
