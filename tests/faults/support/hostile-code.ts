import fs from 'node:fs';
import path from 'node:path';

/**
 * Learner code at its worst, for every lesson: one function of the lesson replaced by code that
 * never resolves, always rejects, sends in an unbounded loop without awaiting, or exits the
 * process. The rest of the lesson is the solution, so the checks reach the hostile call.
 */
export const HOSTILE_KINDS = ['never-resolves', 'always-rejects', 'send-loop', 'exits'] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

type Target = { file: string } & ({ fn: string } | { className: string; method: string });

/** Per lesson folder: the learner call that the checks make early, which turns hostile. */
export const HOSTILE_TARGETS: Record<string, Target> = {
  '01-producer-basics': { file: 'producer.ts', className: 'TransactionProducer', method: 'send' },
  '02-keys-and-partitions': { file: 'topic.ts', fn: 'ensureTopic' },
  '03-consumer-groups': { file: 'consumer.ts', className: 'TransactionConsumer', method: 'start' },
  '04-multi-group-pubsub': { file: 'fraud.ts', className: 'FraudDetector', method: 'start' },
  '05-offsets-and-replay': { file: 'offsets.ts', fn: 'consumerLag' },
  '06-reliable-processing': { file: 'processor.ts', className: 'ReliableProcessor', method: 'start' },
  '07-batching-and-throughput': { file: 'producer.ts', className: 'FastSender', method: 'sendAll' },
  '08-replication-and-failover': { file: 'producer.ts', fn: 'sendDurably' },
  '10-exactly-once': { file: 'balances.ts', className: 'BalanceService', method: 'start' },
};

const BODIES: Record<HostileKind, string> = {
  'never-resolves': 'await new Promise<never>(() => undefined);',
  'always-rejects': "throw new Error('hostile code: this call always fails');",
  // fire and forget, as fast as the loop goes: each send waits in memory for a topic that never comes
  'send-loop': `const { Kafka } = await import('kafkajs');
    const producer = new Kafka({ clientId: 'hostile-sender', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: 0 }).producer();
    await producer.connect();
    for (;;) void producer.send({ topic: 'hostile-nowhere', messages: [{ value: 'x'.repeat(200) }] }).catch(() => undefined);`,
  exits: 'process.exit(3);',
};

/** The hostile version of the lesson's target file, written as code a learner could have written. */
export function hostileSource(slug: string, kind: HostileKind): { file: string; source: string } {
  const target = HOSTILE_TARGETS[slug];
  if (!target) throw new Error(`no hostile target for ${slug}`);
  const solution = `../../solutions/${slug}/${target.file}`;
  const body = BODIES[kind];
  const source =
    'fn' in target
      ? `export * from '${solution}';
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export async function ${target.fn}(...args: unknown[]): Promise<never> {
  ${body}
  throw new Error('unreachable');
}
`
      : `import { ${target.className} as Reference } from '${solution}';
export * from '${solution}';

export class ${target.className} extends Reference {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  override async ${target.method}(...args: never[]): Promise<never> {
    ${body}
    throw new Error('unreachable');
  }
}
`;
  return { file: target.file, source };
}

/** Writes the hostile file over the lesson's stub in a copy of the project. */
export function writeHostile(root: string, slug: string, kind: HostileKind): void {
  const { file, source } = hostileSource(slug, kind);
  fs.writeFileSync(path.join(root, 'lessons', slug, file), source);
  // the lesson's other files are its solution, so the checks get as far as the hostile call
  const lessonDir = path.join(root, 'lessons', slug);
  for (const other of fs.readdirSync(path.join(root, 'solutions', slug))) {
    if (other !== file) fs.copyFileSync(path.join(root, 'solutions', slug, other), path.join(lessonDir, other));
  }
}
