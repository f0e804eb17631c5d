import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { javaCommand } from './java.ts';
import { probeKafka } from './probe.ts';
import { isAlive } from './process.ts';
import { FAST_CHECK_SETTINGS } from './settings.ts';

/** One KRaft node that is both broker and controller, on loopback only. */
export interface JvmBrokerLayout {
  /** Holds server.properties, log4j2.properties, data/ and, when detached, kafka.log. */
  dir: string;
  port: number;
  controllerPort: number;
  nodeId?: number;
  /** `id@127.0.0.1:port` for every controller; defaults to this node alone. */
  quorumVoters?: string;
  extraSettings?: Readonly<Record<string, string>>;
}

export class BrokerStartError extends Error {
  override readonly name = 'BrokerStartError';
}

export function brokerAddress(layout: JvmBrokerLayout): string {
  return `127.0.0.1:${layout.port}`;
}

export function serverProperties(layout: JvmBrokerLayout): string {
  const nodeId = layout.nodeId ?? 1;
  const settings: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': String(nodeId),
    'controller.quorum.voters': layout.quorumVoters ?? `${nodeId}@127.0.0.1:${layout.controllerPort}`,
    // 127.0.0.1, not 0.0.0.0: the workshop broker is never reachable from the network
    listeners: `PLAINTEXT://127.0.0.1:${layout.port},CONTROLLER://127.0.0.1:${layout.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${layout.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(layout.dir, 'data').split(path.sep).join('/'),
    ...FAST_CHECK_SETTINGS,
    ...layout.extraSettings,
  };
  return Object.entries(settings).map(([key, value]) => `${key}=${value}`).join('\n') + '\n';
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

function javaArgs(layout: JvmBrokerLayout, jarsDir: string, mainClass: string, args: string[]): string[] {
  return [
    '-Xms256m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(layout.dir, 'log4j2.properties')}`,
    '-cp',
    path.join(jarsDir, '*'),
    mainClass,
    ...args,
  ];
}

/** Writes the config files and formats the storage once; a formatted folder is reused as it is. */
export function prepareBrokerDir(layout: JvmBrokerLayout, jarsDir: string, clusterId?: string): void {
  fs.mkdirSync(layout.dir, { recursive: true });
  const config = path.join(layout.dir, 'server.properties');
  fs.writeFileSync(config, serverProperties(layout));
  fs.writeFileSync(path.join(layout.dir, 'log4j2.properties'), LOG4J2);
  if (fs.existsSync(path.join(layout.dir, 'data', 'meta.properties'))) return;

  const result = spawnSync(
    javaCommand(),
    javaArgs(layout, jarsDir, 'kafka.tools.StorageTool', ['format', '-t', clusterId ?? newClusterId(), '-c', config, '--ignore-formatted']),
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (result.error || result.status !== 0) {
    throw new BrokerStartError(`formatting Kafka storage in ${layout.dir} failed:\n${result.stderr || result.error?.message}`);
  }
}

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as `kafka-storage random-uuid` makes. */
export function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

export interface SpawnOptions {
  /** Detached brokers outlive this process (npm run kafka); attached ones die with it (tests). */
  detached: boolean;
  logFile: string;
}

export function spawnBroker(layout: JvmBrokerLayout, jarsDir: string, options: SpawnOptions): ChildProcess {
  const logFd = fs.openSync(options.logFile, 'a');
  const child = spawn(javaCommand(), javaArgs(layout, jarsDir, 'kafka.Kafka', [path.join(layout.dir, 'server.properties')]), {
    detached: options.detached,
    stdio: ['ignore', logFd, logFd],
    windowsHide: true,
  });
  fs.closeSync(logFd);
  if (options.detached) child.unref();
  return child;
}

/** Polls until the broker answers metadata requests, the process dies, or time runs out. */
export async function waitUntilReady(address: string, pid: number, logFile: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new BrokerStartError(`the Kafka broker exited during start-up. The end of ${logFile}:\n${logTail(logFile)}`);
    }
    const probe = await probeKafka([address], 1000);
    if (probe.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new BrokerStartError(`the Kafka broker did not answer within ${timeoutMs / 1000} s. The end of ${logFile}:\n${logTail(logFile)}`);
}

export function logTail(logFile: string, lines = 15): string {
  try {
    return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
