import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { createTransactionGenerator, generateTransactions } from '../bank/generator.ts';
import { MAX_IN_FLIGHT, streamTransactions } from '../demo/stream.ts';

test('a slow broker holds the sends in flight at the limit, and every one is sent once', async () => {
  const transactions = generateTransactions(MAX_IN_FLIGHT * 2 + 500, { seed: 5 });
  let next = 0;
  let inFlight = 0;
  let most = 0;
  const seen: string[] = [];
  const { sent } = await streamTransactions({
    rate: 1e9, // as fast as the loop goes: the limit, not the clock, holds it back
    count: transactions.length,
    stop: new AbortController().signal,
    next: () => transactions[next++]!,
    send: async (tx) => {
      most = Math.max(most, ++inFlight);
      for (let turn = 0; turn < 20; turn++) await nextTurn(); // a broker that answers late
      inFlight -= 1;
      seen.push(tx.transaction_id);
    },
  });
  expect(sent).toBe(transactions.length);
  expect(most).toBe(MAX_IN_FLIGHT);
  expect(seen.sort()).toEqual(transactions.map((tx) => tx.transaction_id).sort());
});

test('on stop, the sends already with Kafka are awaited and the ones still waiting in a lane are dropped', async () => {
  const generate = createTransactionGenerator({ seed: 6 });
  let generated = 0;
  const stop = new AbortController();
  const started: string[] = [];
  const confirmed: string[] = [];
  const { sent } = await streamTransactions({
    rate: 1e9,
    stop: stop.signal,
    next: () => (generated++, generate()),
    laneOf: (tx) => tx.account % 3,
    send: async (tx) => {
      started.push(tx.transaction_id);
      if (started.length === 5) stop.abort(); // Ctrl+C while every lane has a queue
      for (let turn = 0; turn < 20; turn++) await nextTurn();
      confirmed.push(tx.transaction_id);
    },
  });
  expect(generated, 'the loop ran ahead of the lanes, so they had queues to drop').toBeGreaterThan(started.length);
  expect(
    started.length,
    'one send per lane at most was with Kafka at the stop, and none started after it',
  ).toBeLessThanOrEqual(5 + 2);
  expect(confirmed.sort(), 'every send that started was awaited').toEqual([...started].sort());
  expect(sent).toBe(confirmed.length);
});
