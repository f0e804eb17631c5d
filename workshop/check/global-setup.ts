import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { waitForGroupCoordinators, waitForTransactionCoordinator } from '../broker/coordinators.ts';
import { findOrStartBroker, type FoundBroker } from '../broker/discover.ts';
import { registryCheckFiles } from '../lessons.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { findOrStartRegistry, type FoundRegistry } from '../registry/discover.ts';

/**
 * Before any test file that uses the run's broker: find a broker (KAFKA_BROKERS,
 * localhost:9092) or start a throw-away one on free ports, wait until every group coordinator
 * of it is ready (test files run side by side, and the first ones would otherwise meet "The
 * coordinator is loading"), hand its address to every test, and stop it at the end.
 * Every vitest project that needs it calls this; they share one broker, stopped when the last one is done.
 * A schema registry is found or started the same way, but only when a test of the run needs
 * one (a lesson whose manifest entry needs "registry", or a test under tests/registry/).
 */
interface Shared<T> {
  found: Promise<T>;
  users: number;
}
const shared = globalThis as typeof globalThis & {
  workshopBroker?: Shared<FoundBroker>;
  workshopRegistry?: Shared<FoundRegistry>;
};

/** Tests of the engine room that talk to a real registry live here. */
export const REGISTRY_TESTS = path.join(PROJECT_ROOT, 'tests', 'registry') + path.sep;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.workshopBroker ??= {
    found: findOrStartBroker('ephemeral', (line) => console.log(`[kafka] ${line}`)).then(async (found) => {
      await Promise.all([waitForGroupCoordinators(found.brokers), waitForTransactionCoordinator(found.brokers)]).catch(
        async (error: unknown) => {
          await found.stop?.();
          throw error;
        },
      );
      return found;
    }),
    users: 0,
  };
  const broker = shared.workshopBroker;
  broker.users += 1;
  let registry: Shared<FoundRegistry> | undefined;
  if (await runsTestsNeedingRegistry(project)) {
    // it needs no broker: both JVMs start side by side (on a fresh machine, 2 s sooner)
    shared.workshopRegistry ??= {
      found: findOrStartRegistry('ephemeral', (line) => console.log(`[registry] ${line}`)),
      users: 0,
    };
    registry = shared.workshopRegistry;
    registry.users += 1;
    // a registry that fails while the broker starts is reported below, when its turn comes
    registry.found.catch(() => undefined);
  }

  const teardown = async () => {
    await Promise.allSettled([
      release(registry, () => (shared.workshopRegistry = undefined)),
      release(broker, () => (shared.workshopBroker = undefined)),
    ]);
  };
  try {
    project.provide('brokers', (await broker.found).brokers);
    if (registry) project.provide('registry', (await registry.found).url);
  } catch (error) {
    // vitest runs no teardown for a setup that failed: what this run started stops here
    await teardown();
    throw error;
  }
  return teardown;
}

/** One user fewer; the last one stops what the run started (a found one was never the run's). */
async function release<T extends { stop?: () => Promise<void> }>(
  service: Shared<T> | undefined,
  forget: () => void,
): Promise<void> {
  if (!service || --service.users > 0) return;
  forget();
  await (await service.found).stop?.();
}

/** Whether this project, with the run's file filters, has a test that needs a schema registry. */
async function runsTestsNeedingRegistry(project: TestProject): Promise<boolean> {
  // with projects, the root project runs no tests of its own; its default globs would match everything
  if (project.isRootProject() && project.vitest.projects.some((other) => other !== project)) return false;
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  const lessons = new Set(registryCheckFiles().map((file) => path.join(PROJECT_ROOT, file)));
  return testFiles.some((file) => lessons.has(path.normalize(file)) || path.normalize(file).startsWith(REGISTRY_TESTS));
}
