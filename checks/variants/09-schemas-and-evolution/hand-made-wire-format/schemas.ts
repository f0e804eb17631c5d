// A correct variant: every schema written out in full, account as an Avro long, no namespace.
import type { Transaction } from '../../../../bank/transaction.ts';

export interface RecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: Array<{ name: string; type: unknown; default?: unknown; doc?: string }>;
}

export interface TransactionV2 extends Transaction {
  currency: string;
}

export const DEFAULT_CURRENCY = 'USD';

const TYPE = { type: 'enum', name: 'TransactionType', symbols: ['deposit', 'withdrawal', 'transfer', 'payment'] };

export function transactionSchemaV1(): RecordSchema {
  return {
    type: 'record',
    name: 'Transaction',
    fields: [
      { name: 'transaction_id', type: 'string' },
      { name: 'account', type: 'long' },
      { name: 'type', type: TYPE },
      { name: 'amount', type: 'double' },
      { name: 'timestamp', type: 'string' },
    ],
  };
}

export function transactionSchemaV2(): RecordSchema {
  return {
    type: 'record',
    name: 'Transaction',
    fields: [
      { name: 'transaction_id', type: 'string' },
      { name: 'account', type: 'long' },
      { name: 'type', type: TYPE },
      { name: 'amount', type: 'double' },
      { name: 'timestamp', type: 'string' },
      { name: 'currency', type: 'string', default: DEFAULT_CURRENCY },
    ],
  };
}

export function transactionSchemaWithMerchant(): RecordSchema {
  const v2 = transactionSchemaV2();
  v2.fields.push({ name: 'merchant', type: 'string' });
  return v2;
}
