import { TRANSACTION_TYPES, type Transaction } from '../../bank/transaction.ts';

/**
 * An Avro record schema, written as JSON: the contract between everyone who writes a topic and
 * everyone who reads it. A field's `type` is an Avro type: "int", "double", "string", or an
 * object such as `{ type: 'enum', name: …, symbols: […] }`.
 */
export interface RecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: Array<{ name: string; type: unknown; default?: unknown; doc?: string }>;
}

/** A transaction as version 2 of the schema writes it: version 1's fields and its currency. */
export interface TransactionV2 extends Transaction {
  currency: string;
}

/** What version 2 reads when a transaction was written before currencies existed. */
export const DEFAULT_CURRENCY = 'USD';

/** Version 1: the five fields every transaction has had since lesson 01. */
export function transactionSchemaV1(): RecordSchema {
  return {
    type: 'record',
    name: 'Transaction',
    namespace: 'bank',
    doc: 'A bank transaction, keyed by account on the topic',
    fields: [
      { name: 'account', type: 'int', doc: 'Account number, 1000 to 5000' },
      // double, not float: a float keeps about 7 digits, and 123456.78 would come back changed
      { name: 'amount', type: 'double', doc: 'Positive for money in, negative for money out' },
      { name: 'timestamp', type: 'string', doc: 'ISO 8601' },
      { name: 'transaction_id', type: 'string' },
      // an enum, not a string: a producer that writes "refund" is stopped before the message exists
      { name: 'type', type: { type: 'enum', name: 'TransactionType', symbols: [...TRANSACTION_TYPES] } },
    ],
  };
}

/**
 * Version 2 adds the currency. Its default is what a version 2 reader sees in a transaction that
 * version 1 wrote, and what makes the change BACKWARD compatible.
 */
export function transactionSchemaV2(): RecordSchema {
  const v1 = transactionSchemaV1();
  return { ...v1, fields: [...v1.fields, { name: 'currency', type: 'string', default: DEFAULT_CURRENCY }] };
}

/**
 * Every transaction must now name its merchant, with no default. A reader with this schema could
 * not read the transactions already on the topic, which have no merchant: BACKWARD refuses it.
 */
export function transactionSchemaWithMerchant(): RecordSchema {
  const v2 = transactionSchemaV2();
  return { ...v2, fields: [...v2.fields, { name: 'merchant', type: 'string' }] };
}
