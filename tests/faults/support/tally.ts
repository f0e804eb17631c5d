import { decodeTransaction } from '../../../bank/codec.ts';
import type { CheckContext } from '../../../checks/support/context.ts';

/** The transaction ids that occur more than once in `ids`, each once. */
export function repeated(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}

/** The transaction id of every message now on the topic, read back from the broker. */
export async function idsOnTopic(ctx: CheckContext, topic: string, timeoutMs?: number): Promise<string[]> {
  return (await ctx.readAll(topic, timeoutMs)).map((message) => decodeTransaction(message.value).transaction_id);
}

/** "1,234": figures in the measurements read like the issue's. */
export const figure = (n: number) => n.toLocaleString('en-US');
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One line of measurements, picked out of the test output by its prefix. */
export function measured(line: string): void {
  console.log(`[measured] ${line}`);
}
