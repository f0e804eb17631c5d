/**
 * A bank transaction as it travels through Kafka. The fields and their types match the seed
 * course's Python producer, so each course reads what the other writes. Two details differ:
 * a whole amount is written 317 (Python: 317.0), and the timestamp is UTC with a Z (Python's
 * is naive local time); lesson 01's README says more, tests/interop/python.test.ts proves it.
 */
export const TRANSACTION_TYPES = ['deposit', 'withdrawal', 'transfer', 'payment'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export interface Transaction {
  /** Account number, 1000–5000. Also the message key, so one account's history stays in order. */
  account: number;
  /** Two decimals. Money in is positive, money out negative (the generator: deposits in, withdrawals and payments out, transfers either). */
  amount: number;
  /** ISO 8601: "2024-01-01T12:00:00.000Z" as the workshop writes it, "2024-01-01T12:00:00.123456" as the seed's Python does. */
  timestamp: string;
  /** "TXN-" and digits, unique within a run. */
  transaction_id: string;
  type: TransactionType;
}

export const MIN_ACCOUNT = 1000;
export const MAX_ACCOUNT = 5000;
