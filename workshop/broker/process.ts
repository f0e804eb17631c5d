import fs from 'node:fs';
import { pause } from '../wait.ts';

/** Whether a pid is a live process (EPERM: alive, but someone else's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type StopMethod = 'stop-file' | 'SIGTERM' | 'none';

/**
 * How to ask a process to stop cleanly. A broker from the workshop's launcher watches a stop
 * file, which works on every OS. Otherwise SIGTERM, except on Windows, where Node's kill is
 * always a hard kill (TerminateProcess), so there is no polite way to ask.
 */
export function gracefulStopMethod(platform: NodeJS.Platform, stopFile: string | undefined): StopMethod {
  if (stopFile) return 'stop-file';
  return platform === 'win32' ? 'none' : 'SIGTERM';
}

export interface StopOptions {
  /** How long a clean shutdown may take before the process is killed. */
  graceMs?: number;
  /** The broker's stop file (its marker names it), when it has one. */
  stopFile?: string;
  platform?: NodeJS.Platform;
}

/** `stopped`: it ended when asked; `killed`: it did not within the grace time, and was killed. */
export type StopResult = 'not-running' | 'stopped' | 'killed';

/** Asks the process to stop (a stop file, or SIGTERM), then kills it if it has not exited in time. */
export async function stopProcess(pid: number, options: StopOptions | number = {}): Promise<StopResult> {
  if (!isAlive(pid)) return 'not-running';
  // a number is the grace time alone, as callers wrote before stop files
  const {
    graceMs = 20_000,
    stopFile,
    platform = process.platform,
  } = typeof options === 'number' ? { graceMs: options } : options;
  const method = gracefulStopMethod(platform, stopFile);
  if (method === 'stop-file') fs.writeFileSync(stopFile!, 'stop\n');
  if (method === 'SIGTERM') process.kill(pid, 'SIGTERM');
  if (method !== 'none') {
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await pause(100);
    if (stopFile) fs.rmSync(stopFile, { force: true });
    if (!isAlive(pid)) return 'stopped';
  }
  await killProcess(pid);
  return 'killed';
}

/** SIGKILL, and resolves once the process is gone. */
export async function killProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // already gone
  }
  while (isAlive(pid)) await pause(20);
}

/** The line a command prints when a broker had to be killed. */
export function killedNotice(what: string, pid: number, graceMs: number): string {
  return `⚠️  ${what} (pid ${pid}) did not stop within ${graceMs / 1000} s of being asked, so it was killed.`;
}
