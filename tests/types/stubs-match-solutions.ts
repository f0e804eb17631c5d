/**
 * Stubs and solutions cannot drift apart: every module under lessons/ must offer what its
 * counterpart under solutions/ offers, with types a caller can use the same way. The checks,
 * the demo and the next lessons are written against the solutions' types and run against the
 * learner's files, so a stub whose exports differ would break them. `npm run typecheck` proves
 * it: a difference is a compile error on the line of that module. tests/stub-types.test.ts
 * makes sure every file of lessons/manifest.json is listed here.
 */
import type * as L01ProducerStub from '../../lessons/01-producer-basics/producer.ts';
import type * as L01ProducerSolution from '../../solutions/01-producer-basics/producer.ts';
import type * as L02TopicStub from '../../lessons/02-keys-and-partitions/topic.ts';
import type * as L02TopicSolution from '../../solutions/02-keys-and-partitions/topic.ts';
import type * as L02KeysStub from '../../lessons/02-keys-and-partitions/keys.ts';
import type * as L02KeysSolution from '../../solutions/02-keys-and-partitions/keys.ts';
import type * as L03ConsumerStub from '../../lessons/03-consumer-groups/consumer.ts';
import type * as L03ConsumerSolution from '../../solutions/03-consumer-groups/consumer.ts';
import type * as L04FraudStub from '../../lessons/04-multi-group-pubsub/fraud.ts';
import type * as L04FraudSolution from '../../solutions/04-multi-group-pubsub/fraud.ts';
import type * as L05OffsetsStub from '../../lessons/05-offsets-and-replay/offsets.ts';
import type * as L05OffsetsSolution from '../../solutions/05-offsets-and-replay/offsets.ts';
import type * as L06ProducerStub from '../../lessons/06-reliable-processing/producer.ts';
import type * as L06ProducerSolution from '../../solutions/06-reliable-processing/producer.ts';
import type * as L06ProcessorStub from '../../lessons/06-reliable-processing/processor.ts';
import type * as L06ProcessorSolution from '../../solutions/06-reliable-processing/processor.ts';
import type * as L07ProducerStub from '../../lessons/07-batching-and-throughput/producer.ts';
import type * as L07ProducerSolution from '../../solutions/07-batching-and-throughput/producer.ts';
import type * as L08TopicStub from '../../lessons/08-replication-and-failover/topic.ts';
import type * as L08TopicSolution from '../../solutions/08-replication-and-failover/topic.ts';
import type * as L08ProducerStub from '../../lessons/08-replication-and-failover/producer.ts';
import type * as L08ProducerSolution from '../../solutions/08-replication-and-failover/producer.ts';
import type * as L08ReportStub from '../../lessons/08-replication-and-failover/report.ts';
import type * as L08ReportSolution from '../../solutions/08-replication-and-failover/report.ts';
import type * as L09SchemasStub from '../../lessons/09-schemas-and-evolution/schemas.ts';
import type * as L09SchemasSolution from '../../solutions/09-schemas-and-evolution/schemas.ts';
import type * as L09ProducerStub from '../../lessons/09-schemas-and-evolution/producer.ts';
import type * as L09ProducerSolution from '../../solutions/09-schemas-and-evolution/producer.ts';
import type * as L09ConsumerStub from '../../lessons/09-schemas-and-evolution/consumer.ts';
import type * as L09ConsumerSolution from '../../solutions/09-schemas-and-evolution/consumer.ts';
import type * as L10ProducerStub from '../../lessons/10-exactly-once/producer.ts';
import type * as L10ProducerSolution from '../../solutions/10-exactly-once/producer.ts';
import type * as L10ReaderStub from '../../lessons/10-exactly-once/reader.ts';
import type * as L10ReaderSolution from '../../solutions/10-exactly-once/reader.ts';
import type * as L10BalancesStub from '../../lessons/10-exactly-once/balances.ts';
import type * as L10BalancesSolution from '../../solutions/10-exactly-once/balances.ts';

/** What a caller sees of a class instance: private and protected members are the implementation's own. */
type Public<T> = { [K in keyof T]: T[K] };

/** A module's exports as its callers use them: a class by its constructor and its public members, the rest as is. */
type CallerView<M> = {
  [K in keyof M]: M[K] extends abstract new (...args: infer A) => infer I
    ? (new (...args: A) => Public<I>) & Omit<M[K], 'prototype'>
    : M[K];
};

/** Compiles only when `Stub` can stand wherever `Solution` is expected. */
type AssignableTo<Stub extends Solution, Solution> = Stub extends Solution ? true : never;

export type L01Producer = AssignableTo<CallerView<typeof L01ProducerStub>, CallerView<typeof L01ProducerSolution>>;
export type L02Topic = AssignableTo<CallerView<typeof L02TopicStub>, CallerView<typeof L02TopicSolution>>;
export type L02Keys = AssignableTo<CallerView<typeof L02KeysStub>, CallerView<typeof L02KeysSolution>>;
export type L03Consumer = AssignableTo<CallerView<typeof L03ConsumerStub>, CallerView<typeof L03ConsumerSolution>>;
export type L04Fraud = AssignableTo<CallerView<typeof L04FraudStub>, CallerView<typeof L04FraudSolution>>;
export type L05Offsets = AssignableTo<CallerView<typeof L05OffsetsStub>, CallerView<typeof L05OffsetsSolution>>;
export type L06Producer = AssignableTo<CallerView<typeof L06ProducerStub>, CallerView<typeof L06ProducerSolution>>;
export type L06Processor = AssignableTo<CallerView<typeof L06ProcessorStub>, CallerView<typeof L06ProcessorSolution>>;
export type L07Producer = AssignableTo<CallerView<typeof L07ProducerStub>, CallerView<typeof L07ProducerSolution>>;
export type L08Topic = AssignableTo<CallerView<typeof L08TopicStub>, CallerView<typeof L08TopicSolution>>;
export type L08Producer = AssignableTo<CallerView<typeof L08ProducerStub>, CallerView<typeof L08ProducerSolution>>;
export type L08Report = AssignableTo<CallerView<typeof L08ReportStub>, CallerView<typeof L08ReportSolution>>;
export type L09Schemas = AssignableTo<CallerView<typeof L09SchemasStub>, CallerView<typeof L09SchemasSolution>>;
export type L09Producer = AssignableTo<CallerView<typeof L09ProducerStub>, CallerView<typeof L09ProducerSolution>>;
export type L09Consumer = AssignableTo<CallerView<typeof L09ConsumerStub>, CallerView<typeof L09ConsumerSolution>>;
export type L10Producer = AssignableTo<CallerView<typeof L10ProducerStub>, CallerView<typeof L10ProducerSolution>>;
export type L10Reader = AssignableTo<CallerView<typeof L10ReaderStub>, CallerView<typeof L10ReaderSolution>>;
export type L10Balances = AssignableTo<CallerView<typeof L10BalancesStub>, CallerView<typeof L10BalancesSolution>>;
