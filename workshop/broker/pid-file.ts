import fs from 'node:fs';
import { isAlive } from './process.ts';
import { processStartTime, realSystem, type ProcessSystem } from './process-table.ts';

/**
 * A pid file holds "PID START": the process's start time next to its id. Pid files survive a
 * reboot and operating systems hand out pids again (Windows quickly), so a pid alone could point
 * kafka:stop at an unrelated program. A process whose start time differs is not ours.
 */
export function writePidFile(file: string, pid: number, system: ProcessSystem = realSystem): void {
  const started = processStartTime(pid, system);
  fs.writeFileSync(file, started ? `${pid} ${started}\n` : `${pid}\n`);
}

export function readPidFile(file: string): { pid: number; startTime?: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  const [first, ...rest] = text.split(' ');
  const pid = Number(first);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return rest.length > 0 ? { pid, startTime: rest.join(' ') } : { pid };
}

/**
 * Whether the process the file names is still that very process. A file without a start time
 * (written before start times were kept) is trusted as before; so is a live pid whose start
 * time the OS will not tell.
 */
export function isRecordedProcess(
  recorded: { pid: number; startTime?: string },
  system: ProcessSystem = realSystem,
  alive: (pid: number) => boolean = isAlive,
): boolean {
  if (!alive(recorded.pid)) return false;
  if (recorded.startTime === undefined) return true;
  const key = `${recorded.pid} ${recorded.startTime}`;
  const seen = confirmed.get(system) ?? new Set<string>();
  // asking macOS or Windows means running a program, and a command polls its own brokers many times
  if (seen.has(key)) return true;
  const now = processStartTime(recorded.pid, system);
  if (now !== undefined && now !== recorded.startTime) return false;
  confirmed.set(system, seen.add(key));
  return true;
}

/** Pid and start time pairs this process has already confirmed, per machine (tests fake several). */
const confirmed = new WeakMap<ProcessSystem, Set<string>>();
