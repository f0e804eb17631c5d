import fs from 'node:fs';
import path from 'node:path';

export interface FolderWatcher {
  /** How changes are noticed, in words for the learner. */
  method: string;
  stop(): void;
}

export interface WatchOptions {
  /** Why file events cannot be trusted here; polling is used when set. */
  pollReason?: string;
  pollIntervalMs?: number;
}

/** Editor droppings that are not a save of the learner's file. */
export function isNoise(name: string): boolean {
  const base = path.basename(name);
  return (
    base.startsWith('.') ||
    base.startsWith('#') ||
    base.endsWith('~') ||
    /\.(swp|swx|tmp)$/.test(base) ||
    base === '4913'
  );
}

/**
 * Calls `onChange` when a file in `dir` changes. Uses the operating system's file events, and
 * polls the files' size and time instead where those do not arrive (or fail to start).
 */
export function watchFolder(dir: string, onChange: (file: string) => void, options: WatchOptions = {}): FolderWatcher {
  const interval = options.pollIntervalMs ?? 500;
  if (options.pollReason) return pollFolder(dir, onChange, interval, options.pollReason);
  try {
    const watcher = fs.watch(dir, { persistent: true }, (_event, file) => {
      if (file && !isNoise(file.toString())) onChange(file.toString());
    });
    let fallback: FolderWatcher | undefined;
    watcher.on('error', (error: NodeJS.ErrnoException) => {
      watcher.close();
      fallback = pollFolder(dir, onChange, interval, `file events stopped (${error.code ?? error.message})`);
    });
    return {
      get method() {
        return fallback?.method ?? 'file events';
      },
      stop() {
        watcher.close();
        fallback?.stop();
      },
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return pollFolder(dir, onChange, interval, `file events are not available here (${code})`);
  }
}

function pollFolder(dir: string, onChange: (file: string) => void, intervalMs: number, reason: string): FolderWatcher {
  let before = snapshot(dir);
  const timer = setInterval(() => {
    const now = snapshot(dir);
    for (const [file, signature] of now) if (before.get(file) !== signature && !isNoise(file)) onChange(file);
    for (const file of before.keys()) if (!now.has(file) && !isNoise(file)) onChange(file);
    before = now;
  }, intervalMs);
  return {
    method: `polling every ${intervalMs / 1000} s, because ${reason}`,
    stop: () => clearInterval(timer),
  };
}

/** Each file's size and modification time: cheap to read, and a save changes one of them. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  let names: string[];
  try {
    names = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return files;
  }
  for (const name of names) {
    try {
      const stat = fs.statSync(path.join(dir, name));
      if (stat.isFile()) files.set(name, `${stat.size}:${stat.mtimeMs}`);
    } catch {
      // removed between the listing and the stat: the next round sees it gone
    }
  }
  return files;
}
