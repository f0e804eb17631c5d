import { expect, inject, test } from 'vitest';
import { probeKafka } from '../../workshop/broker/probe.ts';
import { freePort } from '../../workshop/broker/ports.ts';
import { heldPort, portServedBy } from '../support/held-port.ts';

test('a running broker answers the probe', async () => {
  const brokers = inject('brokers');
  expect(await probeKafka(brokers)).toEqual({ ok: true, brokers });
});

test('a port with nothing behind it is said to be empty', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  expect(await probeKafka([address])).toEqual({ ok: false, reason: `nothing is listening on ${address}` });
});

test('a program that is not Kafka is told apart from Kafka', async () => {
  const http = `127.0.0.1:${await portServedBy((socket) =>
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')),
  )}`;
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

test('a program that takes the connection and never answers is given up after the timeout', async () => {
  const silent = `127.0.0.1:${await portServedBy(() => undefined)}`;
  const probe = await probeKafka([silent], 500);
  expect(probe).toEqual({ ok: false, reason: `${silent} did not answer as a Kafka broker (no answer within 500 ms)` });
});

test('of several brokers, one that answers is enough', async () => {
  const brokers = [`127.0.0.1:${await heldPort()}`, ...inject('brokers')];
  expect(await probeKafka(brokers, 1000)).toEqual({ ok: true, brokers });
});
