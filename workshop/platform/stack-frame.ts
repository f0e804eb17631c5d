import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file and line a stack frame points at. */
export interface FrameLocation {
  file: string;
  line: number;
}

/**
 * Reads the file and line of one V8 stack frame, whatever form the file takes: a POSIX path,
 * a Windows path with either slash (C:\x or C:/x), or a file URL (file:///home/x, file:///C:/x,
 * with %20 for a space), which is how ES modules appear in stacks.
 */
export function frameLocation(frame: string, platform: NodeJS.Platform = process.platform): FrameLocation | undefined {
  const match = /(file:\/\/\/?[^()\s]+?|\/[^():]+|[A-Za-z]:[\\/][^():]+):(\d+):\d+\)?$/.exec(frame.trim());
  if (!match) return undefined;
  const written = match[1]!;
  const file = written.startsWith('file:')
    ? fileURLToPath(written, { windows: platform === 'win32' })
    : platform === 'win32'
      ? path.win32.normalize(written)
      : written;
  return { file, line: Number(match[2]) };
}

/** `file` relative to `root`, with forward slashes: the form a learner's editor opens on every OS. */
export function relativeToProject(root: string, file: string, platform: NodeJS.Platform = process.platform): string {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  return paths.relative(root, file).split(paths.sep).join('/');
}

/** Whether `file` is `suffix` (given with forward slashes) or ends in it, whichever slash the platform uses. */
export function pathEndsWith(file: string, suffix: string, platform: NodeJS.Platform = process.platform): boolean {
  const normal = platform === 'win32' ? file.replaceAll('\\', '/').toLowerCase() : file;
  const wanted = platform === 'win32' ? suffix.toLowerCase() : suffix;
  return normal === wanted || normal.endsWith(`/${wanted}`);
}

/**
 * "lessons/01-producer-basics/producer.ts:12": the first frame of `stack` outside `skipFile`
 * (a file relative to `root`, such as workshop/todo.ts), relative to `root`.
 */
export function firstFrameOutside(
  stack: string,
  root: string,
  skipFile: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  for (const frame of stack.split('\n').slice(1)) {
    const location = frameLocation(frame, platform);
    if (!location || pathEndsWith(location.file, skipFile, platform)) continue;
    return `${relativeToProject(root, location.file, platform)}:${location.line}`;
  }
  return undefined;
}
