import { describe, expect, test } from 'vitest';
import { checkServerSocket, environmentFingerprint } from '../workshop/check/check-server.ts';

/** The check server serves only clients whose environment is the one it was started with. */
describe('environmentFingerprint', () => {
  const learner = { PATH: '/usr/bin', KAFKA_BROKERS: 'localhost:9092', HOME: '/home/ada' };

  test('what npm and the shell change from one run to the next does not count', () => {
    expect(
      environmentFingerprint({
        ...learner,
        npm_lifecycle_event: 'check',
        npm_config_cache: '/tmp/npm',
        INIT_CWD: '/home/ada/workshop/lessons',
        PWD: '/home/ada/workshop',
        OLDPWD: '/home/ada',
        SHLVL: '3',
        _: '/usr/bin/npm',
        WORKSHOP_CHECK_SERVE: 'lesson-03 lessons',
      }),
    ).toBe(environmentFingerprint(learner));
  });

  test('any other variable counts, set, changed or removed: the learner’s code and the checks may read it', () => {
    const base = environmentFingerprint(learner);
    expect(environmentFingerprint({ ...learner, KAFKA_BROKERS: 'localhost:9093' })).not.toBe(base);
    expect(environmentFingerprint({ ...learner, WORKSHOP_LEARNER: 'ada' })).not.toBe(base);
    expect(environmentFingerprint({ PATH: learner.PATH, HOME: learner.HOME })).not.toBe(base);
    // a value moved to another name is another environment
    expect(environmentFingerprint({ A: 'x', B: '' })).not.toBe(environmentFingerprint({ A: '', B: 'x' }));
  });
});

test('one socket per project, short enough for macOS’s 104-byte limit on socket paths', () => {
  const a = checkServerSocket('/Users/ada/code/kafka-typescript-workshop');
  const b = checkServerSocket('/tmp/workshop-copy-XYZ');
  expect(a).not.toBe(b);
  expect(checkServerSocket('/Users/ada/code/kafka-typescript-workshop')).toBe(a);
  expect(Buffer.byteLength(a.slice(a.lastIndexOf('kw-checks')))).toBeLessThan(40);
});
