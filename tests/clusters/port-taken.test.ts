import path from 'node:path';
import { expect, test } from 'vitest';
import { ensureKafkaJars } from '../../workshop/broker/jars.ts';
import { BrokerStartError, prepareBrokerDir, spawnBroker, waitUntilReady } from '../../workshop/broker/jvm-broker.ts';
import { cleanUpAfterFailedStart, PortTakenError } from '../../workshop/broker/port-taken.ts';
import { freePort } from '../../workshop/broker/ports.ts';
import { killProcess } from '../../workshop/broker/process.ts';
import { heldPort } from '../support/held-port.ts';
import { useTempDirs } from '../support/temp-dir.ts';

/**
 * CI once saw a check's cluster die at start-up because another program bound one of its ports
 * first. The throw-away brokers start again on new ports then, and they know it from the broker's
 * own log: this proves that the JVM's words for it are the ones looked for.
 */
const tempDir = useTempDirs();

test('a broker whose port another program holds exits, and its log says the port was taken', async ({
  onTestFinished,
}) => {
  const dir = tempDir();
  const port = await heldPort();
  const layout = { dir, port, controllerPort: await freePort() };
  const jarsDir = await ensureKafkaJars(() => undefined);
  await prepareBrokerDir(layout, jarsDir);
  const logFile = path.join(dir, 'kafka.log');
  const child = spawnBroker(layout, jarsDir, { lifetime: 'ephemeral', logFile, log: () => undefined });
  const cleanUp = () => killProcess(child.pid!);
  onTestFinished(cleanUp);
  const startError = await waitUntilReady(`127.0.0.1:${port}`, child.pid!, logFile, 60_000).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(startError).toBeInstanceOf(BrokerStartError);
  expect((startError as Error).message).toMatch(/exited during start-up/);
  const afterCleanUp = cleanUpAfterFailedStart(startError, [logFile], cleanUp);
  await expect(afterCleanUp, 'the failed start is one to try again on new ports').rejects.toBeInstanceOf(
    PortTakenError,
  );
}, 90_000);
