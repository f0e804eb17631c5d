import { describeJvm, findWorkshopJvms, stopWorkshopJvms, withTag } from '../broker/inventory.ts';
import { TAG_VARIABLE } from '../broker/jvm-marker.ts';
import { localBrokerStatus, readPid, startLocalBroker, stopLocalBroker } from '../broker/local-broker.ts';
import {
  describeNode,
  LOCAL_CLUSTER_SIZE,
  localCluster,
  localClusterStarted,
  startLocalCluster,
  stopLocalCluster,
} from '../broker/local-cluster.ts';
import type { CommandSpec, Flags } from './args.ts';
import { runCli } from './run-cli.ts';

const log = (line: string) => console.log(line);

/** One file for npm run kafka, kafka:stop and kafka:status; package.json names the command. */
const nodes = {
  nodes: {
    kind: 'positive-integer',
    choices: ['1', String(LOCAL_CLUSTER_SIZE)],
    help: `1 for one broker (the default), ${LOCAL_CLUSTER_SIZE} for a cluster on 127.0.0.1:9092–9094 (lesson 08)`,
  },
} as const;

const specs = {
  start: {
    program: 'npm run kafka',
    about:
      'Starts a local Kafka broker on 127.0.0.1:9092 as a Java process (no Docker needed), and prints where its log is.',
    flags: nodes,
  },
  stop: {
    program: 'npm run kafka:stop',
    about: 'Stops the broker, or every node of the cluster, that npm run kafka started.',
    flags: {
      all: {
        kind: 'switch',
        help: 'stop every workshop Kafka JVM on this machine (yours included), say ones left over from other commands',
      },
    },
  },
  status: {
    program: 'npm run kafka:status',
    about:
      'Says whether the broker answers, which process it is, and where its log is, then lists every workshop Kafka JVM on this machine.',
    flags: {},
  },
} as const satisfies Record<string, CommandSpec>;

/** WORKSHOP_JVM_TAG limits what `--all` sees to the JVMs started with that tag: a test's own. */
const visibleJvms = () => withTag(findWorkshopJvms(), process.env[TAG_VARIABLE]);

/** Every workshop JVM on the machine, after the answer about the learner's own broker. */
function listJvms(): void {
  const jvms = visibleJvms();
  if (jvms.length === 0) return;
  log('');
  log(`Workshop Kafka JVMs on this machine (${jvms.length}):`);
  jvms.forEach((jvm) => log(`  ${describeJvm(jvm)}`));
  const leftovers = jvms.filter((jvm) => jvm.leftover).length;
  if (leftovers > 0)
    log(
      `⚠️  ${leftovers} left over from commands that ended. Stop every workshop JVM with: npm run kafka:stop -- --all`,
    );
}

const commands = {
  async start(flags: Flags<typeof nodes>) {
    if (flags.nodes === LOCAL_CLUSTER_SIZE) {
      await startLocalCluster(log);
      return;
    }
    if (localClusterStarted()) {
      log(
        `The workshop's ${LOCAL_CLUSTER_SIZE}-node cluster is running, with a broker on 127.0.0.1:9092: the checks will use it. (npm run kafka:stop stops it.)`,
      );
      return;
    }
    await startLocalBroker(log);
  },
  async stop(flags: Flags<typeof specs.stop.flags>) {
    if (flags.all) {
      const jvms = visibleJvms();
      if (jvms.length === 0) log('No workshop Kafka JVM is running on this machine.');
      else {
        log(`Stopping ${jvms.length} workshop Kafka JVM${jvms.length === 1 ? '' : 's'}…`);
        await stopWorkshopJvms(jvms, log);
      }
      return;
    }
    const cluster = localClusterStarted();
    if (cluster) await stopLocalCluster(log);
    if (!cluster || readPid() !== undefined) await stopLocalBroker(log);
  },
  async status() {
    let code = 1;
    if (localClusterStarted()) {
      const nodes = await localCluster().status();
      nodes.forEach((node) => log(describeNode(node)));
      code = nodes.every((node) => node.alive && node.answering) ? 0 : 1;
    } else {
      const status = await localBrokerStatus();
      if (status.answering) {
        const owner = status.alive ? `the workshop broker, pid ${status.pid}` : 'not started by this workshop';
        log(`✅ Kafka is answering on ${status.address} (${owner}). Log: ${status.logFile}`);
        code = 0;
      } else if (status.alive) {
        log(
          `⚠️  The workshop broker (pid ${status.pid}) is running but not answering on ${status.address}. Log: ${status.logFile}`,
        );
      } else log(`⏹  No broker is running on ${status.address}. Start one with: npm run kafka`);
    }
    listJvms();
    return code;
  },
};

// package.json's script puts the command first; what follows is the learner's
const [command, ...argv] = process.argv.slice(2);
if (command === 'start') runCli(specs.start, ({ flags }) => commands.start(flags), { argv });
else if (command === 'stop') runCli(specs.stop, ({ flags }) => commands.stop(flags), { argv });
else if (command === 'status') runCli(specs.status, () => commands.status(), { argv });
else throw new Error(`workshop/cli/kafka.ts needs start, stop or status first (see package.json), not "${command}"`);
