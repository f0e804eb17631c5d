import net from 'node:net';
import { expect, inject, test } from 'vitest';
import { probeKafka } from '../../workshop/broker/probe.ts';
import { freePort } from '../../workshop/broker/ports.ts';
import { heldPort } from '../support/held-port.ts';

/** A server on a free port that does `onConnection` with each caller, closed when the test ends. */
async function serverThat(onConnection: (socket: net.Socket) => void, onTestFinished: (fn: () => void) => void) {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return `127.0.0.1:${port}`;
}

test('a running broker answers the probe', async () => {
  const brokers = inject('brokers');
  expect(await probeKafka(brokers)).toEqual({ ok: true, brokers });
});

test('a port with nothing behind it is said to be empty', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  expect(await probeKafka([address])).toEqual({ ok: false, reason: `nothing is listening on ${address}` });
});

test('a program that is not Kafka is told apart from Kafka', async ({ onTestFinished }) => {
  const http = await serverThat(
    (socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')),
    onTestFinished,
  );
  const hangsUp = `127.0.0.1:${await heldPort()}`;
  expect(await probeKafka([http], 1000)).toEqual({
    ok: false,
    reason: `${http} did not answer as a Kafka broker (the answer is not in Kafka’s protocol)`,
  });
  expect(await probeKafka([hangsUp], 1000)).toEqual({
    ok: false,
    reason: `${hangsUp} did not answer as a Kafka broker (${hangsUp} closed the connection without an answer)`,
  });
});

test('a program that takes the connection and never answers is given up after the timeout', async ({
  onTestFinished,
}) => {
  const silent = await serverThat(() => undefined, onTestFinished);
  const probe = await probeKafka([silent], 500);
  expect(probe).toEqual({ ok: false, reason: `${silent} did not answer as a Kafka broker (no answer within 500 ms)` });
});

test('of several brokers, one that answers is enough', async () => {
  const brokers = [`127.0.0.1:${await heldPort()}`, ...inject('brokers')];
  expect(await probeKafka(brokers, 1000)).toEqual({ ok: true, brokers });
});
