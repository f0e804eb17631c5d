import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { javaCommand } from './java.ts';
import { markerArgument, TAG_VARIABLE, type Lifetime } from './jvm-marker.ts';
import { ensureLauncher, LAUNCHER_CLASS } from './launcher.ts';
import { probeKafka } from './probe.ts';
import { isAlive } from './process.ts';
import { platformBrokerSettings } from '../platform/topic-deletion.ts';
import { FAST_CHECK_SETTINGS } from './settings.ts';
import { pause } from '../wait.ts';

/** The KRaft roles of one node: both (the single workshop broker), or one of them (a cluster's nodes). */
export type NodeRoles = 'broker,controller' | 'broker' | 'controller';

/** A user that may log in with SASL, and the mechanisms the broker accepts for everyone. */
export interface SaslUser {
  name: string;
  password: string;
}
export const BROKER_SASL_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'] as const;

/**
 * A client listener that demands a SASL login, as managed services do: SASL_PLAINTEXT, or
 * SASL_SSL (TLS first, then the login) with a PKCS12 keystore. The brokers' own traffic stays
 * on a plaintext listener on another loopback port.
 */
export interface SaslListener {
  users: readonly SaslUser[];
  internalPort: number;
  tls?: { keystore: string; password: string };
}

/** One KRaft node on loopback only: by default both broker and controller. */
export interface JvmBrokerLayout {
  /** Holds server.properties, log4j2.properties, data/ and, when detached, kafka.log. */
  dir: string;
  /** The client listener (brokers). */
  port: number;
  /** The controller listener (controllers). */
  controllerPort: number;
  nodeId?: number;
  roles?: NodeRoles;
  /** `id@127.0.0.1:port` for every controller; defaults to this node alone. */
  quorumVoters?: string;
  sasl?: SaslListener;
  /** Replaces the default heap and GC flags: a cluster of several JVMs on one laptop wants smaller, quicker ones. */
  jvmOptions?: readonly string[];
  extraSettings?: Readonly<Record<string, string>>;
  /** The OS the broker runs on (this one unless a test says otherwise): Windows needs its own settings. */
  platform?: NodeJS.Platform;
}

export class BrokerStartError extends Error {
  override readonly name = 'BrokerStartError';
}

export function brokerAddress(layout: JvmBrokerLayout): string {
  return `127.0.0.1:${layout.port}`;
}

export function serverProperties(layout: JvmBrokerLayout): string {
  const nodeId = layout.nodeId ?? 1;
  const roles = layout.roles ?? 'broker,controller';
  const settings: Record<string, string> = {
    'process.roles': roles,
    'node.id': String(nodeId),
    'controller.quorum.voters': layout.quorumVoters ?? `${nodeId}@127.0.0.1:${layout.controllerPort}`,
    // 127.0.0.1, not 0.0.0.0: the workshop broker is never reachable from the network
    ...listenerSettings(layout, roles),
    'log.dirs': path.join(layout.dir, 'data').split(path.sep).join('/'),
    ...FAST_CHECK_SETTINGS,
    ...platformBrokerSettings(layout.platform),
    ...layout.extraSettings,
  };
  return (
    Object.entries(settings)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n'
  );
}

function listenerSettings(layout: JvmBrokerLayout, roles: NodeRoles): Record<string, string> {
  const controller = `CONTROLLER://127.0.0.1:${layout.controllerPort}`;
  if (roles === 'controller') {
    return {
      listeners: controller,
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT',
    };
  }
  const protocol = layout.sasl?.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  const client = layout.sasl
    ? [`${protocol}://127.0.0.1:${layout.port}`, `INTERNAL://127.0.0.1:${layout.sasl.internalPort}`]
    : [`PLAINTEXT://127.0.0.1:${layout.port}`];
  return {
    listeners: [...client, ...(roles === 'broker' ? [] : [controller])].join(','),
    'advertised.listeners': client.join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': layout.sasl ? 'INTERNAL' : 'PLAINTEXT',
    'listener.security.protocol.map': layout.sasl
      ? `${protocol}:${protocol},INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT`
      : 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    ...(layout.sasl ? saslSettings(layout.sasl, protocol.toLowerCase()) : {}),
  };
}

/** SCRAM users live in the cluster metadata (added at format time); PLAIN users in the listener's JAAS line. */
function saslSettings(sasl: SaslListener, listener: string): Record<string, string> {
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  const plainUsers = sasl.users.map((user) => `user_${user.name}="${user.password}"`).join(' ');
  const prefix = `listener.name.${listener}`;
  return {
    'sasl.enabled.mechanisms': BROKER_SASL_MECHANISMS.join(','),
    [`${prefix}.scram-sha-256.sasl.jaas.config`]: scram,
    [`${prefix}.scram-sha-512.sasl.jaas.config`]: scram,
    [`${prefix}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    ...(sasl.tls
      ? {
          [`${prefix}.ssl.keystore.type`]: 'PKCS12',
          [`${prefix}.ssl.keystore.location`]: sasl.tls.keystore.split(path.sep).join('/'),
          [`${prefix}.ssl.keystore.password`]: sasl.tls.password,
        }
      : {}),
  };
}

const LOG4J2 = `# Warnings and errors only: the broker's INFO chatter would bury what matters.
rootLogger.level=WARN
rootLogger.appenderRef.out.ref=OUT
appender.out.type=Console
appender.out.name=OUT
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
logger.started.name=kafka.server.KafkaRaftServer
logger.started.level=INFO
`;

function javaArgs(
  jvmOptions: readonly string[],
  layout: JvmBrokerLayout,
  classPath: readonly string[],
  mainClass: string,
  args: string[],
): string[] {
  return [
    ...jvmOptions,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(layout.dir, 'log4j2.properties')}`,
    '-cp',
    classPath.join(path.delimiter),
    mainClass,
    ...args,
  ];
}

/**
 * The quick C1 compiler only, and the simplest GC, as the cluster's nodes have. A workshop broker
 * carries a light load, and on a 2-core laptop the full JIT compiler competes with the learner's
 * checks for a core: measured, C1 halves the broker's CPU to start (11 s → 6 s) and for the same
 * lesson checks (14 s → 8 s), and the demo's p99 at 1,000 msg/s on a new broker fell from 437 ms to 148 ms.
 */
const BROKER_JVM_OPTIONS = ['-Xms256m', '-Xmx1g', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
/** The formatter runs for two seconds: the quick compiler and the simplest GC start fastest. */
const TOOL_JVM_OPTIONS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

const FORMAT_TIMEOUT_MS = 180_000;

/**
 * Writes the config files and formats the storage once; a formatted folder is reused as it is.
 * Asynchronous, so that the nodes of a cluster are formatted side by side.
 */
export async function prepareBrokerDir(layout: JvmBrokerLayout, jarsDir: string, clusterId?: string): Promise<void> {
  fs.mkdirSync(layout.dir, { recursive: true });
  const config = path.join(layout.dir, 'server.properties');
  fs.writeFileSync(config, serverProperties(layout));
  fs.writeFileSync(path.join(layout.dir, 'log4j2.properties'), LOG4J2);
  if (fs.existsSync(path.join(layout.dir, 'data', 'meta.properties'))) return;

  const args = ['format', '-t', clusterId ?? newClusterId(), '-c', config, '--ignore-formatted', ...scramArgs(layout)];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(
      javaCommand(),
      javaArgs(TOOL_JVM_OPTIONS, layout, [path.join(jarsDir, '*')], 'kafka.tools.StorageTool', args),
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        windowsHide: true,
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // seconds on a quiet laptop; minutes when four of them start at once on a loaded 2-core machine
    const timer = setTimeout(() => {
      stderr += `(the storage tool was stopped after ${FORMAT_TIMEOUT_MS / 1000} s: is the machine very busy?)`;
      child.kill('SIGKILL');
    }, FORMAT_TIMEOUT_MS);
    child.once('error', (error) => resolve({ code: -1, output: error.message }));
    child.once('close', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, output: stderr });
    });
  });
  if (code !== 0) throw new BrokerStartError(`formatting Kafka storage in ${layout.dir} failed:\n${output}`);
}

/** SCRAM credentials are metadata records in KRaft, so they are written when the storage is formatted. */
function scramArgs(layout: JvmBrokerLayout): string[] {
  return (layout.sasl?.users ?? []).flatMap((user) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${user.name},password=${user.password}]`,
    ]),
  );
}

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as `kafka-storage
 * random-uuid` makes. Like Kafka's own, it never starts with "-", which the storage tool's
 * command line would read as an option.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export interface SpawnOptions {
  /**
   * `persistent` brokers (npm run kafka) outlive this process. `ephemeral` ones (checks, tests,
   * failover, bench) end with it, however it ends: their stdin is a pipe from this process, and
   * the launcher halts the JVM and deletes `root` when the pipe closes.
   */
  lifetime: Lifetime;
  logFile: string;
  /** What an ephemeral broker deletes when its owner is gone; its own folder by default. */
  root?: string;
  log?: (line: string) => void;
}

/** The file that asks a broker from the workshop's launcher to shut down cleanly. */
export const stopFileOf = (layout: JvmBrokerLayout) => path.join(layout.dir, 'stop');

function listenerPorts(layout: JvmBrokerLayout): number[] {
  const roles = layout.roles ?? 'broker,controller';
  return [
    ...(roles === 'controller' ? [] : [layout.port]),
    ...(layout.sasl ? [layout.sasl.internalPort] : []),
    ...(roles === 'broker' ? [] : [layout.controllerPort]),
  ];
}

/**
 * Starts the JVM in a process group of its own, so a Ctrl+C in the terminal reaches the
 * workshop, which stops its brokers in order, and not every JVM at once: a cluster's brokers
 * whose controller is already gone would wait minutes to hand over their partitions.
 */
export function spawnBroker(layout: JvmBrokerLayout, jarsDir: string, options: SpawnOptions): ChildProcess {
  const launcher = ensureLauncher(options.log ?? ((line) => console.error(line)));
  const marker = markerArgument({
    lifetime: options.lifetime,
    dir: layout.dir,
    root: options.lifetime === 'ephemeral' ? (options.root ?? layout.dir) : undefined,
    ports: listenerPorts(layout),
    owner: process.pid,
    tag: process.env[TAG_VARIABLE],
    stop: stopFileOf(layout),
  });
  fs.rmSync(stopFileOf(layout), { force: true });
  const logFd = fs.openSync(options.logFile, 'a');
  const ephemeral = options.lifetime === 'ephemeral';
  const child = spawn(
    javaCommand(),
    javaArgs(
      [...(layout.jvmOptions ?? BROKER_JVM_OPTIONS), marker],
      layout,
      launcher ? [launcher, path.join(jarsDir, '*')] : [path.join(jarsDir, '*')],
      launcher ? LAUNCHER_CLASS : 'kafka.Kafka',
      [path.join(layout.dir, 'server.properties')],
    ),
    {
      detached: true,
      stdio: [ephemeral ? 'pipe' : 'ignore', logFd, logFd],
      windowsHide: true,
    },
  );
  fs.closeSync(logFd);
  // neither the JVM nor its pipe keeps this process alive; when this process ends, the pipe closes
  child.unref();
  (child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
  child.stdin?.on('error', () => undefined);
  return child;
}

/** Polls until the broker answers metadata requests, the process dies, or time runs out. */
export async function waitUntilReady(
  address: string,
  pid: number,
  logFile: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new BrokerStartError(
        `the Kafka broker exited during start-up. The end of ${logFile}:\n${logTail(logFile)}`,
      );
    }
    const probe = await probeKafka([address], 1000);
    if (probe.ok) return;
    await pause(150);
  }
  throw new BrokerStartError(
    `the Kafka broker did not answer within ${timeoutMs / 1000} s. The end of ${logFile}:\n${logTail(logFile)}`,
  );
}

export function logTail(logFile: string, lines = 15): string {
  try {
    return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
