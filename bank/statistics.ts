import { TRANSACTION_TYPES, type Transaction, type TransactionType } from './transaction.ts';

/** The seed's real-time statistics, kept as transactions arrive. */
export interface Statistics {
  totalTransactions: number;
  /** Sum of all amounts, rounded to cents. */
  totalAmount: number;
  /** Money in: transactions with an amount above zero, whatever their type. */
  deposits: number;
  /** Money out: every other transaction, so deposits + withdrawals = totalTransactions. */
  withdrawals: number;
  byType: Record<TransactionType, number>;
  activeAccounts: number;
}

export class TransactionStatistics {
  private count = 0;
  // whole cents, so adding thousands of amounts never drifts the way floating-point dollars do
  private totalCents = 0;
  private readonly byType = Object.fromEntries(TRANSACTION_TYPES.map((type) => [type, 0])) as Record<
    TransactionType,
    number
  >;
  private readonly accounts = new Set<number>();
  // the seed's split: its sample counts 6 deposits and 4 withdrawals for types deposit 6, withdrawal 3, transfer 1
  private moneyIn = 0;

  record(tx: Transaction): void {
    this.count += 1;
    if (tx.amount > 0) this.moneyIn += 1;
    this.totalCents += Math.round(tx.amount * 100);
    this.byType[tx.type] += 1;
    this.accounts.add(tx.account);
  }

  snapshot(): Statistics {
    return {
      totalTransactions: this.count,
      totalAmount: this.totalCents / 100,
      deposits: this.moneyIn,
      withdrawals: this.count - this.moneyIn,
      byType: { ...this.byType },
      activeAccounts: this.accounts.size,
    };
  }
}

/** The same statistics computed in one go, for checks that compare against what was produced. */
export function statisticsOf(transactions: Iterable<Transaction>): Statistics {
  const stats = new TransactionStatistics();
  for (const tx of transactions) stats.record(tx);
  return stats.snapshot();
}
