import type { Faker } from '@faker-js/faker';
// The package's main entry loads every locale (about 0.3 s); this one loads English only,
// which keeps a check's start-up quick. It exports one shared instance, so each generator
// makes its own from that instance's class, to be seeded on its own.
import { faker as englishFaker } from '@faker-js/faker/locale/en';
import { MAX_ACCOUNT, MIN_ACCOUNT, TRANSACTION_TYPES, type Transaction, type TransactionType } from './transaction.ts';

export interface GeneratorOptions {
  /** Same seed, same accounts, amounts, types and ids: a check can reproduce its data. */
  seed?: number;
  /** How many accounts to draw from; few accounts make per-account ordering visible. */
  accounts?: number;
  /** The clock for timestamps; a fixed one makes the output fully reproducible. */
  now?: () => Date;
}

/** Which way money moves for each type; 0 draws either sign. A new type must say which. */
const SIGN: Record<TransactionType, 1 | -1 | 0> = { deposit: 1, withdrawal: -1, payment: -1, transfer: 0 };

/** An endless, seedable stream of realistic transactions. */
export function createTransactionGenerator(options: GeneratorOptions = {}): () => Transaction {
  const faker: Faker = new (englishFaker.constructor as typeof Faker)({ locale: englishFaker.rawDefinitions });
  faker.seed(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  const now = options.now ?? (() => new Date());
  const accountPool = options.accounts
    ? faker.helpers.uniqueArray(() => faker.number.int({ min: MIN_ACCOUNT, max: MAX_ACCOUNT }), options.accounts)
    : undefined;
  // consecutive ids from a random start look like the seed's "TXN-45678" and never repeat in a run
  let nextId = faker.number.int({ min: 10_000, max: 89_999 });

  return () => {
    const type = faker.helpers.arrayElement(TRANSACTION_TYPES);
    const size = faker.number.float({ min: 1, max: 1000, fractionDigits: 2 });
    const sign = SIGN[type] || faker.helpers.arrayElement([1, -1]);
    return {
      account: accountPool
        ? faker.helpers.arrayElement(accountPool)
        : faker.number.int({ min: MIN_ACCOUNT, max: MAX_ACCOUNT }),
      amount: sign * size,
      timestamp: now().toISOString(),
      transaction_id: `TXN-${nextId++}`,
      type,
    };
  };
}

/** `count` transactions from one generator. */
export function generateTransactions(count: number, options: GeneratorOptions = {}): Transaction[] {
  const next = createTransactionGenerator(options);
  return Array.from({ length: count }, next);
}
