import type { TestProject } from 'vitest/node';
import { findOrStartBroker, type FoundBroker } from '../broker/discover.ts';

/**
 * Before any test file runs: find a broker (KAFKA_BROKERS, localhost:9092) or start a
 * throw-away one on free ports, hand its address to every test, and stop it at the end.
 * Every vitest project calls this; they share one broker, stopped when the last one is done.
 */
const shared = globalThis as typeof globalThis & { workshopBroker?: { found: Promise<FoundBroker>; users: number } };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.workshopBroker ??= { found: findOrStartBroker('ephemeral', (line) => console.log(`[kafka] ${line}`)), users: 0 };
  const entry = shared.workshopBroker;
  entry.users += 1;
  const found = await entry.found;
  project.provide('brokers', found.brokers);
  return async () => {
    entry.users -= 1;
    if (entry.users === 0) {
      shared.workshopBroker = undefined;
      await found.stop?.();
    }
  };
}
