import type { Batch, KafkaConfig, KafkaMessage, Message } from 'kafkajs';
import type { BalanceUpdate } from '../bank/balance.ts';
import type * as Balances from '../solutions/10-exactly-once/balances.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { isBrokerLoss, isCoordinatorLoading } from './broker-loss.ts';
import { formatAssignment, watchConsumer } from './consumer-events.ts';
import { stopRequested } from './run-demo.ts';

type BalancesLesson = typeof Balances;
type BalanceService = Balances.BalanceService;
type ServiceOptions = Omit<Balances.BalanceServiceOptions, 'onHalt' | 'connection'>;

/**
 * Lesson 10's service without transactions, for comparison: the updates are sent, then the
 * offsets committed, two separate steps. It is as fast as the broker allows, and a crash
 * between the two steps counts the batch twice after the restart. Built on the learner's own
 * class, so both modes share every line but the commit.
 */
export function atLeastOnce(Base: BalancesLesson['BalanceService']): BalancesLesson['BalanceService'] {
  return class AtLeastOnceBalanceService extends Base {
    protected override async claimTransactionalId(): Promise<void> {}

    protected override async process(batch: Batch): Promise<void> {
      const pending = new Map<number, number>();
      const updates: Message[] = [];
      const skipped: KafkaMessage[] = [];
      for (const message of batch.messages) {
        const tx = this.decode(message);
        if (tx) updates.push(this.balanceUpdate(tx, pending));
        else skipped.push(message);
      }
      // outside any transaction: stored as soon as the broker has it, whatever happens next
      if (updates.length > 0) await this.producer.send({ topic: this.options.outputTopic, messages: updates });
      await this.consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
      ]);
      pending.forEach((cents, account) => this.balances.set(account, cents));
      this.malformedCount += skipped.length;
    }
  };
}

export interface SupervisedRun {
  /** Transactions processed (and committed) by every run of the service, together. */
  processed: number;
  /** Times the service was started again after a transaction whose outcome was unknown. */
  restarts: number;
}

/**
 * Runs the balance service until `stop`, as a supervisor would (Kubernetes, systemd): when the
 * service halts because a transaction's outcome is unknown, it starts a fresh one with the
 * same transactionalId, whose claim settles that transaction and which resumes from what Kafka
 * committed. A fenced service is not restarted: a newer instance holds its id, and a restart
 * would only fence that one in turn. Ctrl+C stops it gracefully: the batch in hand finishes,
 * its transaction commits or aborts, and nothing is left open.
 */
export async function superviseBalanceService(options: {
  Service: BalancesLesson['BalanceService'];
  service: ServiceOptions;
  connection: (role: string) => KafkaConfig;
  stop: AbortSignal;
  print: (line: string) => void;
  /** Called once a (re)started service is consuming. */
  onStarted?: (service: BalanceService) => void;
  /** Called after each committed batch, with the transactions processed so far. */
  onProcessed?: (processed: number) => void;
}): Promise<SupervisedRun> {
  const run: SupervisedRun = { processed: 0, restarts: 0 };
  const stopped = stopRequested(options.stop).then(() => 'stop' as const);
  let waitingForBroker = false;
  for (;;) {
    let halted!: (error: Error) => void;
    const halt = new Promise<Error>((resolve) => (halted = resolve));
    const service = new options.Service({
      ...options.service,
      connection: options.connection(run.restarts === 0 ? 'service' : `service-${run.restarts}`),
      onHalt: halted,
    });
    // each batch whose process() returned is committed: count them for the reports
    service.consumer.on(service.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      run.processed += payload.batchSize;
      options.onProcessed?.(run.processed);
    });
    const crashed = watchConsumer(service.consumer, options.service.inputTopic, {
      assigned: (partitions) => options.print(formatAssignment(partitions)),
      warn: options.print,
    });
    try {
      const started = await Promise.race([service.start().then(() => 'started' as const), stopped, crashed, halt]);
      if (started === 'started') {
        waitingForBroker = false;
        options.onStarted?.(service);
      }
      const outcome = started === 'started' ? await Promise.race([stopped, crashed, halt]) : started;
      if (outcome === 'stop') return run;
      if (outcome.name === 'FencedError') throw outcome;
      options.print(`🔁 ${outcome.message}`);
      options.print(
        '🔁 Starting the service again: its claim settles that transaction, and it resumes from what Kafka committed.',
      );
      run.restarts += 1;
    } catch (error) {
      // like the monitor, the service waits for a broker that is away for longer than its clients' retries
      if (options.stop.aborted) return run;
      // a broker that is back but has not yet loaded the group's coordinator is still away for the service
      if (!isBrokerLoss(error) && !isCoordinatorLoading(error)) throw error;
      if (!waitingForBroker)
        options.print(
          `⏳ Kafka is not answering (${(error as Error).message}). The service starts again as soon as it does; Ctrl+C stops.`,
        );
      waitingForBroker = true;
      await delay(2000, undefined, { signal: options.stop }).catch(() => undefined);
      if (options.stop.aborted) return run;
    } finally {
      await service.stop().catch(() => undefined);
    }
  }
}

/**
 * What the balances topic holds, in one line: as many updates as transactions, or some counted
 * twice. Read with the learner's reader, so a read_uncommitted one shows its aborted updates here.
 */
export function auditLine(topic: string, updates: readonly BalanceUpdate[]): string {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const update of updates) (seen.has(update.transaction_id) ? twice : seen).add(update.transaction_id);
  if (twice.size === 0)
    return `✅ ${topic} holds ${updates.length} balance updates for ${seen.size} transactions: each counted exactly once.`;
  const examples = [...twice].slice(0, 3).join(', ');
  return `⚠️  ${topic} holds ${updates.length} balance updates for ${seen.size} transactions: ${twice.size} counted more than once (${examples}${twice.size > 3 ? ', …' : ''}), and every balance after them is off.`;
}
