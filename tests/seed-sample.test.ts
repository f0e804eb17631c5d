import { expect, test } from 'vitest';
import { formatStatistics } from '../bank/format.ts';
import { statisticsOf } from '../bank/statistics.ts';
import type { Transaction, TransactionType } from '../bank/transaction.ts';

/**
 * The statistics block of the seed course's README (shared/seed/bank-transaction-stream.md),
 * character for character. Its numbers fix what "Deposits" and "Withdrawals" count: 6 and 4,
 * where the types are deposit 6, withdrawal 3, transfer 1. So a deposit is money in and a
 * withdrawal money out, whatever the type: counting types (withdrawal plus payment) prints 3.
 */
const SEED_SAMPLE = `
============================================================
📊 REAL-TIME STATISTICS
============================================================
Total Transactions: 10
Total Amount: $1,234.56
Deposits: 6 | Withdrawals: 4

📈 Transactions by Type:
   Deposit: 6
   Withdrawal: 3
   Transfer: 1

👥 Active Accounts: 8
============================================================`;

const tx = (n: number, account: number, type: TransactionType, amount: number): Transaction => ({
  account,
  amount,
  timestamp: '2024-01-01T12:00:00',
  transaction_id: `TXN-${45678 + n}`,
  type,
});

test("the seed's sample statistics block, reproduced exactly", () => {
  // the seed's first three lines are 1234 +150.50 deposit, 2345 -234.56 withdrawal, 3456 +890.12 deposit;
  // seven more of the sample's types, on 8 accounts, bring the total to the sample's $1,234.56
  const sample = [
    tx(0, 1234, 'deposit', 150.5),
    tx(1, 2345, 'withdrawal', -234.56),
    tx(2, 3456, 'deposit', 890.12),
    tx(3, 4567, 'deposit', 300),
    tx(4, 1890, 'withdrawal', -120.25),
    tx(5, 2222, 'deposit', 410.75),
    tx(6, 3333, 'transfer', -75),
    tx(7, 1234, 'deposit', 95.3),
    tx(8, 4444, 'withdrawal', -280.5),
    tx(9, 2345, 'deposit', 98.2),
  ];
  expect(formatStatistics(statisticsOf(sample))).toBe(SEED_SAMPLE);
});

test('deposits and withdrawals split every transaction by the sign of its amount', () => {
  const stats = statisticsOf([
    tx(0, 1000, 'transfer', 50),
    tx(1, 1001, 'transfer', -50),
    tx(2, 1002, 'payment', -10),
    tx(3, 1003, 'deposit', 10),
  ]);
  expect([stats.deposits, stats.withdrawals]).toEqual([2, 2]);
  expect(stats.deposits + stats.withdrawals).toBe(stats.totalTransactions);
});
