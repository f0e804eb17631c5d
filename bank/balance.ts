import { MalformedTransactionError } from './codec.ts';
import { formatMoney } from './format.ts';
import { MAX_ACCOUNT, MIN_ACCOUNT } from './transaction.ts';

/**
 * What the balance service of lesson 10 writes for each transaction it processes, keyed by
 * account: the account's balance after that transaction. Money is kept in whole cents, so
 * a thousand additions end exactly where they should (0.1 + 0.2 is not 0.3 in floating point).
 */
export interface BalanceUpdate {
  account: number;
  /** The balance after this transaction, in cents. */
  balance_cents: number;
  /** What this transaction added (negative: took away), in cents. */
  amount_cents: number;
  /** The transaction this update comes from: each one must appear exactly once. */
  transaction_id: string;
}

/** 12.34 → 1234. Amounts carry two decimals; rounding removes the floating-point dust. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function encodeBalanceUpdate(update: BalanceUpdate): string {
  return JSON.stringify(update);
}

/** Turns a message value back into a BalanceUpdate, checking every field. */
export function decodeBalanceUpdate(value: Buffer | string | null | undefined): BalanceUpdate {
  if (value === null || value === undefined) throw new MalformedTransactionError('the message has no value (null)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    throw new MalformedTransactionError('the value is not JSON');
  }
  const update = parsed as Partial<Record<keyof BalanceUpdate, unknown>>;
  const whole = (n: unknown) => Number.isSafeInteger(n);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !whole(update.account) ||
    (update.account as number) < MIN_ACCOUNT ||
    (update.account as number) > MAX_ACCOUNT ||
    !whole(update.balance_cents) ||
    !whole(update.amount_cents) ||
    typeof update.transaction_id !== 'string'
  ) {
    throw new MalformedTransactionError('not a balance update (account, balance_cents, amount_cents, transaction_id)');
  }
  return {
    account: update.account as number,
    balance_cents: update.balance_cents as number,
    amount_cents: update.amount_cents as number,
    transaction_id: update.transaction_id,
  };
}

/** "Account 1234 | balance $1,234.56 (+$12.34, TXN-45678)" */
export function formatBalanceUpdate(update: BalanceUpdate): string {
  const amount = update.amount_cents / 100;
  return `Account ${update.account} | balance ${formatMoney(update.balance_cents / 100).padStart(12)} (${amount < 0 ? '-' : '+'}${formatMoney(Math.abs(amount))}, ${update.transaction_id})`;
}
