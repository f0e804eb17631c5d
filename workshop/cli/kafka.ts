import { localBrokerStatus, readPid, startLocalBroker, stopLocalBroker } from '../broker/local-broker.ts';
import { describeNode, LOCAL_CLUSTER_SIZE, localCluster, localClusterStarted, parseNodeCount, startLocalCluster, stopLocalCluster } from '../broker/local-cluster.ts';
import { runCli } from './run-cli.ts';

const log = (line: string) => console.log(line);

const commands: Record<string, (args: string[]) => Promise<number | void>> = {
  async start(args) {
    if (parseNodeCount(args) === LOCAL_CLUSTER_SIZE) {
      await startLocalCluster(log);
      return;
    }
    if (localClusterStarted()) {
      log(`The workshop's ${LOCAL_CLUSTER_SIZE}-node cluster is running, with a broker on 127.0.0.1:9092: the checks will use it. (npm run kafka:stop stops it.)`);
      return;
    }
    await startLocalBroker(log);
  },
  async stop() {
    const cluster = localClusterStarted();
    if (cluster) await stopLocalCluster(log);
    if (!cluster || readPid() !== undefined) await stopLocalBroker(log);
  },
  async status() {
    if (localClusterStarted()) {
      const nodes = await localCluster().status();
      nodes.forEach((node) => log(describeNode(node)));
      return nodes.every((node) => node.alive && node.answering) ? 0 : 1;
    }
    const status = await localBrokerStatus();
    if (status.answering) {
      const owner = status.alive ? `the workshop broker, pid ${status.pid}` : 'not started by this workshop';
      log(`✅ Kafka is answering on ${status.address} (${owner}). Log: ${status.logFile}`);
      return 0;
    }
    if (status.alive) {
      log(`⚠️  The workshop broker (pid ${status.pid}) is running but not answering on ${status.address}. Log: ${status.logFile}`);
      return 1;
    }
    log(`⏹  No broker is running on ${status.address}. Start one with: npm run kafka`);
    return 1;
  },
};

runCli(async ([command = 'start', ...args]) => {
  const run = commands[command];
  if (!run) throw new Error(`unknown command "${command}": use start, stop or status`);
  return run(args);
});
