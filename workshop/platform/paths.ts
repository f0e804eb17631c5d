import path from 'node:path';

/**
 * Whether two absolute paths name the same file on `platform`. Vitest reports test paths with
 * forward slashes (C:/work/checks/x.check.ts) while path.join on Windows gives backslashes, and
 * Windows does not care about the drive letter's case; POSIX compares the strings as they are.
 */
export function sameFilePath(a: string, b: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'win32') return path.posix.normalize(a) === path.posix.normalize(b);
  return windowsKey(a) === windowsKey(b);
}

function windowsKey(file: string): string {
  // NTFS folders are case-insensitive by default, so the whole path is compared without case
  return path.win32.normalize(file).toLowerCase();
}
