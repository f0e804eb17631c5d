import path from 'node:path';
import { expect, test } from 'vitest';
import { cleanUpAfterFailedStart, PortTakenError } from '../../workshop/broker/port-taken.ts';
import { killProcess } from '../../workshop/broker/process.ts';
import { ensureRegistryBuild } from '../../workshop/registry/build.ts';
import { registryUrl, spawnRegistry, waitUntilRegistryReady } from '../../workshop/registry/jvm-registry.ts';
import { heldPort } from '../support/held-port.ts';
import { useTempDirs } from '../support/temp-dir.ts';

/**
 * A throw-away registry whose port another program took first starts again on a new one, as the
 * brokers do (tests/clusters/port-taken.test.ts). Quarkus says it in its own words, not Kafka's:
 * this proves they are among the ones looked for.
 */
const tempDir = useTempDirs();

test('a registry whose port another program holds exits, and its log says the port was taken', async ({
  onTestFinished,
}) => {
  const dir = tempDir();
  const port = await heldPort();
  const logFile = path.join(dir, 'registry.log');
  const child = spawnRegistry({ appDir: await ensureRegistryBuild(() => undefined), port, logFile }, false);
  const cleanUp = () => killProcess(child.pid!);
  onTestFinished(cleanUp);
  const startError = await waitUntilRegistryReady(registryUrl({ port }), child.pid!, logFile, 60_000).then(
    () => undefined,
    (error: unknown) => error,
  );
  const message = (startError as Error | undefined)?.message;
  expect(message, message).toMatch(/exited during start-up/);
  await expect(
    cleanUpAfterFailedStart(startError, [logFile], cleanUp),
    'the failed start is one to try again on a new port',
  ).rejects.toBeInstanceOf(PortTakenError);
}, 90_000);
