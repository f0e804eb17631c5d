import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { cleanUpAfterFailedStart, PortTakenError } from '../../workshop/broker/port-taken.ts';
import { freePort } from '../../workshop/broker/ports.ts';
import { killProcess } from '../../workshop/broker/process.ts';
import { ensureRegistryBuild } from '../../workshop/registry/build.ts';
import { registryUrl, spawnRegistry, waitUntilRegistryReady } from '../../workshop/registry/jvm-registry.ts';

/**
 * A throw-away registry whose port another program took first starts again on a new one, as the
 * brokers do (tests/clusters/port-taken.test.ts). Quarkus says it in its own words, not Kafka's:
 * this proves they are among the ones looked for.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-port-taken-'));
const holder = net.createServer();
afterAll(() => {
  holder.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a registry whose port another program holds exits, and its log says the port was taken', async ({
  onTestFinished,
}) => {
  const port = await freePort();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  const logFile = path.join(dir, 'registry.log');
  const child = spawnRegistry({ appDir: await ensureRegistryBuild(() => undefined), port, logFile }, false);
  const cleanUp = () => killProcess(child.pid!);
  onTestFinished(cleanUp);
  const startError = await waitUntilRegistryReady(registryUrl({ port }), child.pid!, logFile, 60_000).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect((startError as Error | undefined)?.message).toMatch(/exited during start-up/);
  await expect(
    cleanUpAfterFailedStart(startError, [logFile], cleanUp),
    'the failed start is one to try again on a new port',
  ).rejects.toBeInstanceOf(PortTakenError);
}, 90_000);
