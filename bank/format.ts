import type { Statistics } from './statistics.ts';
import type { Transaction } from './transaction.ts';

/** "$+150.50", "$-234.56": the sign always shows, as in the seed. */
export function formatAmount(amount: number): string {
  return `$${amount < 0 ? '-' : '+'}${Math.abs(amount).toFixed(2)}`;
}

// one formatter, made once: toLocaleString builds a new one on every call, which a busy monitor feels
const DOLLARS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$1,234.56", "$-42.00". */
export function formatMoney(amount: number): string {
  const digits = DOLLARS.format(Math.abs(amount));
  return `$${amount < 0 ? '-' : ''}${digits}`;
}

/** "Account 1234 |    $+150.50 | deposit      | TXN-45678" */
export function formatTransaction(tx: Transaction): string {
  return `Account ${tx.account} | ${formatAmount(tx.amount).padStart(11)} | ${tx.type.padEnd(12)} | ${tx.transaction_id}`;
}

/** "Account 2345 | $+456.78 | deposit": the simulator's short form. */
export function formatTransactionShort(tx: Transaction): string {
  return `Account ${tx.account} | ${formatAmount(tx.amount)} | ${tx.type}`;
}

/** "[   1] Account 1234 |    $+150.50 | deposit      | TXN-45678" */
export function formatNumberedTransaction(sequence: number, tx: Transaction): string {
  return `[${String(sequence).padStart(4)}] ${formatTransaction(tx)}`;
}

const RULE = '='.repeat(60);
const capitalize = (word: string) => word[0]!.toUpperCase() + word.slice(1);

/** The seed's REAL-TIME STATISTICS block. Types never seen are left out, as in the seed. */
export function formatStatistics(stats: Statistics): string {
  const types = Object.entries(stats.byType)
    .filter(([, count]) => count > 0)
    .map(([type, count]) => `   ${capitalize(type)}: ${count}`);
  return [
    '',
    RULE,
    '📊 REAL-TIME STATISTICS',
    RULE,
    `Total Transactions: ${stats.totalTransactions}`,
    `Total Amount: ${formatMoney(stats.totalAmount)}`,
    `Deposits: ${stats.deposits} | Withdrawals: ${stats.withdrawals}`,
    '',
    '📈 Transactions by Type:',
    ...types,
    '',
    `👥 Active Accounts: ${stats.activeAccounts}`,
    RULE,
  ].join('\n');
}
