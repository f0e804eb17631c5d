import type { Transaction } from '../../bank/transaction.ts';
import { todo } from '../../workshop/todo.ts';

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

/**
 * Version 1: the five fields every transaction has had since lesson 01 (see bank/transaction.ts).
 * Each schema is a function, so that each step can be checked on its own.
 */
export function transactionSchemaV1(): RecordSchema {
  return todo(
    'lesson-09 step 1: return a record schema named Transaction with the five fields of a Transaction: account (int), amount (double), timestamp and transaction_id (string), and type as an enum of TRANSACTION_TYPES',
  );
}

/** Version 2 adds the currency, in a way that the registry accepts under BACKWARD compatibility. */
export function transactionSchemaV2(): RecordSchema {
  return todo(
    'lesson-09 step 5: return version 1 with one more field, currency (a string), whose default is DEFAULT_CURRENCY',
  );
}

/** Every transaction must now name its merchant: a change the registry must refuse. */
export function transactionSchemaWithMerchant(): RecordSchema {
  return todo(
    'lesson-09 step 6: return version 2 with one more field, merchant (a string), and no default: the breaking change',
  );
}
