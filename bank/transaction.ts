/**
 * A bank transaction as it travels through Kafka. The field names match the seed course's
 * Python producer, so both courses read and write the same JSON on the wire.
 */
export const TRANSACTION_TYPES = ['deposit', 'withdrawal', 'transfer', 'payment'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export interface Transaction {
  /** Account number, 1000–5000. Also the message key, so one account's history stays in order. */
  account: number;
  /** Two decimals. Deposits are positive; withdrawals and payments negative; transfers either. */
  amount: number;
  /** ISO 8601, for example "2024-01-01T12:00:00.000Z". */
  timestamp: string;
  /** "TXN-" and digits, unique within a run. */
  transaction_id: string;
  type: TransactionType;
}

export const MIN_ACCOUNT = 1000;
export const MAX_ACCOUNT = 5000;
