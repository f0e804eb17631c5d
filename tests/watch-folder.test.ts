import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { waitFor } from '../checks/support/wait.ts';
import { isNoise, watchFolder } from '../workshop/watch/folder-watcher.ts';
import { fileSystemType, pollReason, type WatchFacts } from '../workshop/watch/poll-reason.ts';
import { useTempDirs } from './support/temp-dir.ts';

const tempDir = useTempDirs();

test.each([
  ['file events', undefined],
  ['polling', 'a test asks for it'],
])('notices a saved file with %s', async (_how, reason) => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'producer.ts'), 'before');
  const changed: string[] = [];
  const watcher = watchFolder(dir, (file) => changed.push(file), { pollReason: reason, pollIntervalMs: 50 });
  try {
    expect(watcher.method).toBe(reason ? 'polling every 0.05 s, because a test asks for it' : 'file events');
    // longer, so even a coarse file clock cannot hide the change from polling
    fs.writeFileSync(path.join(dir, 'producer.ts'), 'after, and longer');
    fs.writeFileSync(path.join(dir, '.producer.ts.swp'), 'editor noise');
    await waitFor(() => (changed.includes('producer.ts') ? true : undefined), {
      timeoutMs: 5000,
      expected: 'a change of producer.ts',
      lastSeen: () => changed.join(', '),
      likelyCause: 'the folder watcher missed the save',
    });
    expect(
      changed.filter((file) => file !== 'producer.ts'),
      'editor files are not saves',
    ).toEqual([]);
  } finally {
    watcher.stop();
  }
});

test('editor droppings are noise, the learner files are not', () => {
  expect(['.producer.ts.swp', 'producer.ts~', '#producer.ts#', '4913', 'x.tmp'].every(isNoise)).toBe(true);
  expect(['producer.ts', 'README.md', 'consumer.ts'].some(isNoise)).toBe(false);
});

const mounts = [
  'overlay / overlay rw 0 0',
  'C:\\134 /mnt/c 9p rw,dirsync 0 0',
  'server:/home /net/home nfs4 rw 0 0',
  '/dev/sdb1 /net/home/local\\040disk ext4 rw 0 0',
].join('\n');
const linux = (overrides: Partial<WatchFacts> = {}): WatchFacts => ({
  platform: 'linux',
  env: {},
  mounts: () => mounts,
  kernel: () => 'Linux 5.15 microsoft-standard-WSL2',
  ...overrides,
});

test('the file system of a folder is the one of its longest mount point', () => {
  expect(fileSystemType('/work/wt', mounts)).toBe('overlay');
  expect(fileSystemType('/mnt/c/Users/me/workshop', mounts)).toBe('9p');
  expect(fileSystemType('/mnt/cd', mounts)).toBe('overlay');
  expect(fileSystemType('/net/home/local disk/workshop', mounts)).toBe('ext4');
});

test('polls on a Windows drive under WSL, on network folders and when asked; watches elsewhere', () => {
  expect(pollReason('/mnt/c/Users/me/workshop', linux())).toMatch(/Windows drive under WSL/);
  expect(pollReason('/mnt/c/Users/me/workshop', linux({ kernel: () => 'Linux 6.1 generic' }))).toBeUndefined();
  expect(pollReason('/net/home/me/workshop', linux())).toMatch(/network file system \(nfs4\)/);
  expect(pollReason('/home/me/workshop', linux())).toBeUndefined();
  expect(pollReason('/home/me/workshop', linux({ env: { WORKSHOP_WATCH: 'poll' } }))).toMatch(/WORKSHOP_WATCH=poll/);
  expect(pollReason('\\\\server\\share\\workshop', linux({ platform: 'win32' }))).toMatch(/network share/);
  expect(pollReason('C:\\Users\\me\\workshop', linux({ platform: 'win32' }))).toBeUndefined();
  expect(pollReason('/Users/me/workshop', linux({ platform: 'darwin' }))).toBeUndefined();
});
