import { afterAll } from 'vitest';
import type { JvmCluster } from '../../workshop/broker/cluster.ts';
import type { RunningCluster } from '../../workshop/broker/ephemeral-broker.ts';
import { runningOrEphemeralCluster } from '../../workshop/broker/local-cluster.ts';
import { CheckContext } from './context.ts';

/**
 * Lesson 08 kills brokers, so it cannot use the run's single broker: it brings a cluster whose
 * nodes it owns. The learner's running `npm run kafka -- --nodes 3` is used when it is up (its
 * killed nodes are started again); otherwise a throw-away cluster starts on free ports, once per
 * test file, on the first check that needs it, and stops when the file is done.
 */
let current: Promise<RunningCluster> | undefined;

export function checkCluster(
  log: (line: string) => void = (line) => console.log(`[kafka] ${line}`),
): Promise<RunningCluster> {
  current ??= runningOrEphemeralCluster(log, 'this lesson');
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
