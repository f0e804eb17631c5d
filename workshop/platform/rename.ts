import fs from 'node:fs';

/** Errors Windows gives while a virus scanner or the search indexer still holds a file in the folder. */
const BUSY_CODES = new Set(['EPERM', 'EBUSY', 'EACCES']);

export interface RenameRetry {
  rename?: (from: string, to: string) => void;
  pause?: (ms: number) => Promise<void>;
  /** The waits between tries: a scan of freshly written jars usually ends within a few seconds. */
  backoffMs?: readonly number[];
}

/**
 * fs.renameSync that tries again, with a short backoff, while the folder is busy. Defender scans
 * the jars Maven has just written, and Windows refuses to rename a folder with a file open inside
 * it; a moment later it succeeds. Any other error, or the last busy one, is thrown as it is.
 */
export async function renameWithRetry(from: string, to: string, options: RenameRetry = {}): Promise<void> {
  const {
    rename = fs.renameSync,
    pause = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    backoffMs = [100, 250, 500, 1000, 2000, 4000],
  } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!code || !BUSY_CODES.has(code) || attempt >= backoffMs.length) throw error;
      await pause(backoffMs[attempt]!);
    }
  }
}
