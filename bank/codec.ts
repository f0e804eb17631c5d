import { MAX_ACCOUNT, MIN_ACCOUNT, TRANSACTION_TYPES, type Transaction } from './transaction.ts';
import { describeFramed, isConfluentFramed } from './wire-format.ts';

/** A message on the topic that is not a valid transaction. Consumers count it and move on. */
export class MalformedTransactionError extends Error {
  override readonly name = 'MalformedTransactionError';
}

export function encodeTransaction(tx: Transaction): string {
  return JSON.stringify(tx);
}

/**
 * Turns a message value back into a Transaction, checking every field: a consumer must never
 * trust the bytes on a topic, because any producer can write there.
 */
export function decodeTransaction(value: Buffer | string | null | undefined): Transaction {
  if (value === null || value === undefined) throw new MalformedTransactionError('the message has no value (null)');
  // Avro from lesson 09: say what it is rather than "not JSON: \u0000…"
  if (isConfluentFramed(value)) throw new MalformedTransactionError(describeFramed(value as Buffer));
  const text = typeof value === 'string' ? value : value.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedTransactionError(`the value is not JSON: ${preview(text)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedTransactionError(`the value is JSON but not an object: ${preview(text)}`);
  }
  const tx = parsed as Record<string, unknown>;
  const problems: string[] = [];
  if (!Number.isInteger(tx.account) || (tx.account as number) < MIN_ACCOUNT || (tx.account as number) > MAX_ACCOUNT) {
    problems.push(`account must be a whole number from ${MIN_ACCOUNT} to ${MAX_ACCOUNT}`);
  }
  if (typeof tx.amount !== 'number' || !Number.isFinite(tx.amount)) problems.push('amount must be a number');
  if (typeof tx.timestamp !== 'string' || Number.isNaN(Date.parse(tx.timestamp)))
    problems.push('timestamp must be an ISO 8601 date');
  if (typeof tx.transaction_id !== 'string' || !/^TXN-\d+$/.test(tx.transaction_id))
    problems.push('transaction_id must look like TXN-12345');
  if (!TRANSACTION_TYPES.includes(tx.type as never))
    problems.push(`type must be one of ${TRANSACTION_TYPES.join(', ')}`);
  if (problems.length > 0)
    throw new MalformedTransactionError(`not a valid transaction (${problems.join('; ')}): ${preview(text)}`);
  return {
    account: tx.account as number,
    amount: tx.amount as number,
    timestamp: tx.timestamp as string,
    transaction_id: tx.transaction_id as string,
    type: tx.type as Transaction['type'],
  };
}

function preview(text: string): string {
  return text.length > 80 ? `${JSON.stringify(text.slice(0, 80))}… (${text.length} characters)` : JSON.stringify(text);
}
