import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
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
