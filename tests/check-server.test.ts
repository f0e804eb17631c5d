import os from 'node:os';
import path from 'node:path';
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

test('one socket per project: in its .workshop/ folder, or where a socket path fits when that one would be too long', () => {
  expect(checkServerSocket('/home/ada/kafka-workshop', 'linux')).toBe(
    path.join('/home/ada/kafka-workshop', '.workshop', 'check.sock'),
  );
  const deep = (n: number) => `/home/ada/${'very-long-folder-name/'.repeat(5)}workshop-${n}`;
  const [a, b] = [checkServerSocket(deep(1), 'darwin'), checkServerSocket(deep(2), 'darwin')];
  expect(a).not.toBe(b);
  expect(checkServerSocket(deep(1), 'darwin')).toBe(a);
  // macOS allows 104 bytes, Linux 108
  for (const socket of [a, b]) expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(100);
  expect(path.dirname(a)).toBe(path.join(os.tmpdir(), `kafka-workshop-${process.getuid?.() ?? 0}`));
});

test('on Windows, a named pipe per project', () => {
  const pipe = checkServerSocket('C:\\Users\\ada\\kafka-workshop', 'win32');
  expect(pipe).toMatch(/^\\\\\.\\pipe\\kafka-workshop-checks-[0-9a-f]{12}$/);
  expect(checkServerSocket('C:\\Users\\bob\\kafka-workshop', 'win32')).not.toBe(pipe);
});
