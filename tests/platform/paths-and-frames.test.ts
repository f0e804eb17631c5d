import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { sameFilePath } from '../../workshop/platform/paths.ts';
import { firstFrameOutside, frameLocation } from '../../workshop/platform/stack-frame.ts';

describe('a check file knows its own test path on Windows (issue 19, item 1)', () => {
  // vitest's testPath on Windows: forward slashes; path.join there: backslashes
  const root = 'C:\\Users\\Jane Doe\\kafka-workshop';
  const vitestPath = 'C:/Users/Jane Doe/kafka-workshop/checks/01-producer-basics.check.ts';

  test('forward-slash vitest paths match path.win32.join, whatever the drive letter case', () => {
    const joined = path.win32.join(root, 'checks', '01-producer-basics.check.ts');
    expect(joined).toContain('\\checks\\');
    expect(vitestPath === joined).toBe(false); // the comparison that registered no check at all
    expect(sameFilePath(vitestPath, joined, 'win32')).toBe(true);
    expect(sameFilePath(vitestPath.replace('C:', 'c:'), joined, 'win32')).toBe(true);
  });

  test('another check file is still another file', () => {
    const other = path.win32.join(root, 'checks', '02-keys-and-partitions.check.ts');
    expect(sameFilePath(vitestPath, other, 'win32')).toBe(false);
  });

  test('on Linux and macOS the paths compare as written', () => {
    expect(sameFilePath('/work/checks/a.check.ts', path.posix.join('/work', 'checks', 'a.check.ts'), 'linux')).toBe(
      true,
    );
    expect(sameFilePath('/work/checks/a.check.ts', '/work/checks/A.check.ts', 'darwin')).toBe(false);
  });
});

describe('"not done yet" points at the lesson file on Windows (issue 19, item 4)', () => {
  const root = 'C:\\Users\\Jane Doe\\kafka-workshop';
  const stack = (file: (relative: string) => string) =>
    [
      'TodoError: not done yet: lesson-01 step 1',
      `    at todo (${file('workshop/todo.ts')}:21:9)`,
      `    at sendTransaction (${file('lessons/01-producer-basics/producer.ts')}:42:3)`,
      `    at Object.run (${file('checks/01-producer-basics.check.ts')}:12:5)`,
    ].join('\n');

  test.each([
    ['C:/ frames (vitest, tsx)', (relative: string) => `C:/Users/Jane Doe/kafka-workshop/${relative}`],
    ['C:\\ frames', (relative: string) => `C:\\Users\\Jane Doe\\kafka-workshop\\${relative.replaceAll('/', '\\')}`],
    [
      'file:///C:/ frames, a space as %20',
      (relative: string) => `file:///C:/Users/Jane%20Doe/kafka-workshop/${relative}`,
    ],
    ['a lower-case drive letter', (relative: string) => `c:/Users/Jane Doe/kafka-workshop/${relative}`],
  ])('%s', (_, file) => {
    expect(firstFrameOutside(stack(file), root, 'workshop/todo.ts', 'win32')).toBe(
      'lessons/01-producer-basics/producer.ts:42',
    );
  });

  test('Linux and macOS frames, plain and as file URLs', () => {
    const root = '/home/jane doe/kafka-workshop';
    for (const prefix of ['/home/jane doe/kafka-workshop/', 'file:///home/jane%20doe/kafka-workshop/']) {
      expect(
        firstFrameOutside(
          stack((relative) => prefix + relative),
          root,
          'workshop/todo.ts',
          'linux',
        ),
      ).toBe('lessons/01-producer-basics/producer.ts:42');
    }
  });

  test('a frame is read down to its file and line; a frame without a file is skipped', () => {
    expect(frameLocation('    at f (file:///C:/a%20b/c.ts:3:4)', 'win32')).toEqual({ file: 'C:\\a b\\c.ts', line: 3 });
    expect(frameLocation('    at C:/a/c.ts:7:1', 'win32')).toEqual({ file: 'C:\\a\\c.ts', line: 7 });
    expect(frameLocation('    at async Promise.all (index 0)', 'win32')).toBeUndefined();
    expect(firstFrameOutside('Error\n    at new Promise (<anonymous>)', 'C:\\x', 'workshop/todo.ts', 'win32')).toBe(
      undefined,
    );
  });
});
