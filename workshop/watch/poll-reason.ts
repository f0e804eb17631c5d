import fs from 'node:fs';
import path from 'node:path';

/** What decides whether file events can be trusted; faked in tests. */
export interface WatchFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Linux's /proc/mounts, or undefined elsewhere. */
  mounts(): string | undefined;
  /** Linux's /proc/version: "…microsoft…" under WSL. */
  kernel(): string | undefined;
}

const readOrUndefined = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

export const realWatchFacts: WatchFacts = {
  platform: process.platform,
  env: process.env,
  mounts: () => readOrUndefined('/proc/mounts'),
  kernel: () => readOrUndefined('/proc/version'),
};

const WINDOWS_DRIVE = new Set(['drvfs', '9p', 'v9fs']);
const NETWORK = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  'fuse.sshfs',
  'sshfs',
  'afs',
  'fuse.vmhgfs-fuse',
  'vboxsf',
  'fuse.rclone',
]);

/**
 * Why `dir` should be polled instead of watched, or undefined when file events work there.
 * File events do not cross into Windows drives under WSL or into network folders.
 */
export function pollReason(dir: string, facts: WatchFacts = realWatchFacts): string | undefined {
  if (facts.env.WORKSHOP_WATCH === 'poll') return 'WORKSHOP_WATCH=poll asks for it';
  if (facts.platform === 'win32' && /^\\\\/.test(dir)) return 'this folder is on a network share';
  if (facts.platform !== 'linux') return undefined;
  const type = fileSystemType(dir, facts.mounts() ?? '');
  if (!type) return undefined;
  if (WINDOWS_DRIVE.has(type) && /microsoft/i.test(facts.kernel() ?? ''))
    return 'this folder is on a Windows drive under WSL, where file events do not arrive';
  if (NETWORK.has(type)) return `this folder is on a network file system (${type}), where file events are unreliable`;
  return undefined;
}

/** The type of the file system holding `dir`: the mount point that is its longest prefix. */
export function fileSystemType(dir: string, mounts: string): string | undefined {
  let best: { point: string; type: string } | undefined;
  for (const line of mounts.split('\n')) {
    const [, rawPoint, type] = line.split(' ');
    if (!rawPoint || !type) continue;
    // /proc/mounts writes spaces and tabs in paths as octal escapes
    const point = rawPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    const inside = dir === point || dir.startsWith(point.endsWith(path.posix.sep) ? point : `${point}/`);
    if (inside && (!best || point.length >= best.point.length)) best = { point, type };
  }
  return best?.type;
}
