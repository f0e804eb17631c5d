import { afterAll } from 'vitest';
import type { JvmCluster } from '../../workshop/broker/cluster.ts';
import { startEphemeralCluster } from '../../workshop/broker/ephemeral-broker.ts';
import { requireJava } from '../../workshop/broker/local-broker.ts';
import { LOCAL_CLUSTER_SIZE, localCluster } from '../../workshop/broker/local-cluster.ts';
import { CheckContext } from './context.ts';

/**
 * Lesson 08 kills brokers, so it cannot use the run's single broker: it brings a cluster whose
 * nodes it owns. The learner's running `npm run kafka -- --nodes 3` is used when it is up (its
 * killed nodes are started again); otherwise a throw-away cluster starts on free ports, once per
 * test file, on the first check that needs it, and stops when the file is done.
 */
export interface CheckCluster {
  cluster: JvmCluster;
  brokers: string[];
  stop(): Promise<void>;
}

let current: Promise<CheckCluster> | undefined;

export function checkCluster(log: (line: string) => void = (line) => console.log(`[kafka] ${line}`)): Promise<CheckCluster> {
  current ??= (async () => {
    const local = localCluster();
    const status = await local.status();
    if (status.every((node) => node.alive && node.answering)) {
      log(`using the running ${LOCAL_CLUSTER_SIZE}-node cluster on ${local.brokers.join(', ')}`);
      return { cluster: local, brokers: local.brokers, stop: async () => undefined };
    }
    requireJava();
    log(`starting a ${LOCAL_CLUSTER_SIZE}-node cluster for this lesson… (it takes a few seconds, and stops when the checks end)`);
    const started = Date.now();
    const running = await startEphemeralCluster(log, LOCAL_CLUSTER_SIZE);
    log(`the cluster is ready after ${((Date.now() - started) / 1000).toFixed(1)} s: brokers ${running.brokers.join(', ')}`);
    return running;
  })();
  return current;
}

/** Registers the cluster's shutdown with the test file; call once at the top of a check file. */
export function stopClusterAfterAll(): void {
  afterAll(async () => {
    const running = current;
    current = undefined;
    await (await running?.catch(() => undefined))?.stop();
  });
}

/**
 * A check context on the cluster (cleaned up with the check's own) whose every broker is
 * running: a check starts from a whole cluster, and starts again whatever it kills.
 */
export async function clusterContext(ctx: CheckContext): Promise<{ cluster: JvmCluster; on: CheckContext }> {
  const { cluster, brokers } = await checkCluster();
  await cluster.restart(cluster.nodes.map((node) => node.id));
  // a busy laptop can make a broker miss its heartbeats for a moment: start only when all three are counted in
  await cluster.waitUntilWhole();
  const on = new CheckContext(ctx.lessonId, brokers);
  ctx.onCleanup(() => on.close());
  return { cluster, on };
}
