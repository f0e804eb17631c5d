import net from 'node:net';
import { expect, test } from 'vitest';
import { watchBroker } from '../demo/broker-watch.ts';
import { becomesTrue } from '../workshop/wait.ts';

/** A port that answers, on 127.0.0.1, that the test can close and open again at the same number. */
async function listener(port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return { port: address.port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('a live program says once that its broker does not answer, and once that it answers again', async ({
  onTestFinished,
}) => {
  let server = await listener();
  const broker = `127.0.0.1:${server.port}`;
  const lines: string[] = [];
  const endWatch = watchBroker([broker], (line) => lines.push(line), { everyMs: 20, rideOutSeconds: 36 });
  onTestFinished(async () => {
    endWatch();
    await server.close();
  });

  // while the broker answers, nothing is said
  expect(await becomesTrue(() => lines.length > 0, 200)).toBe(false);

  await server.close();
  expect(await becomesTrue(() => lines.length > 0, 5000)).toBe(true);
  expect(lines).toEqual([`⚠️  Kafka at ${broker} does not answer. kafkajs keeps trying for about 36 s; Ctrl+C stops.`]);
  // said once, not on every look
  expect(await becomesTrue(() => lines.length > 1, 200)).toBe(false);

  server = await listener(Number(broker.split(':')[1]));
  expect(await becomesTrue(() => lines.length > 1, 5000)).toBe(true);
  expect(lines.slice(1)).toEqual([`✅ Kafka at ${broker} answers again.`]);

  endWatch();
  await server.close();
  // an ended watch says nothing more
  expect(await becomesTrue(() => lines.length > 2, 200)).toBe(false);
});
