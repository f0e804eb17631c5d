import type { Worker } from 'node:worker_threads';

export const CHECK_HEAP_MB: number;
export function startWarmThread(heapMb?: number): void;
export function warmThreadsAdopted(): number;
export function adoptWarmThread(wanted: {
  entry: string;
  env: Record<string, string | undefined>;
  execArgv: string[];
  heapMb: number;
}): Promise<Worker | undefined>;
