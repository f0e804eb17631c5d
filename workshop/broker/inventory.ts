import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayPath, PROJECT_ROOT } from '../paths.ts';
import { parseMarker, parseUnmarkedBroker, type JvmMarker } from './jvm-marker.ts';
import { isAlive, killedNotice, killProcess, stopProcess } from './process.ts';
import { listJavaProcesses, realSystem, type ProcessSystem } from './process-table.ts';

/**
 * Every workshop broker JVM on this machine, whoever started it: the learner's persistent broker
 * or cluster, and throw-away ones from checks, tests, failover and bench. A throw-away JVM whose
 * owner is gone is a leftover (from before JVMs watched their owner, or from a Java without javac).
 */
export interface WorkshopJvm {
  pid: number;
  marker: JvmMarker;
  /** false: found by its command line alone (started before JVMs were marked). */
  marked: boolean;
  /** What its server.properties says. */
  role: 'broker' | 'controller' | 'broker,controller';
  ports: number[];
  leftover: boolean;
}

/** `listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093` → the ports, and the roles. */
export function parseServerProperties(text: string): { ports: number[]; role: WorkshopJvm['role'] } {
  const listeners = /^listeners=(.*)$/m.exec(text)?.[1] ?? '';
  const roles = /^process\.roles=(.*)$/m.exec(text)?.[1]?.trim();
  return {
    ports: [...listeners.matchAll(/:(\d+)(?=,|$)/g)].map((m) => Number(m[1])),
    role: roles === 'broker' || roles === 'controller' ? roles : 'broker,controller',
  };
}

export function findWorkshopJvms(
  system: ProcessSystem = realSystem,
  alive: (pid: number) => boolean = isAlive,
  tmpdir = os.tmpdir(),
): WorkshopJvm[] {
  return listJavaProcesses(system).flatMap((proc) => {
    const marked = parseMarker(proc.commandLine);
    const marker = marked ?? parseUnmarkedBroker(proc.commandLine, tmpdir);
    if (!marker) return [];
    const config = parseServerProperties(system.readFile(path.join(marker.dir, 'server.properties')) ?? '');
    // without a marker, the owner is the parent: a JVM whose parent is gone was adopted by init (pid 1)
    const owner = marker.owner ?? (proc.ppid === 1 ? undefined : proc.ppid);
    return [
      {
        pid: proc.pid,
        marker,
        marked: marked !== undefined,
        role: config.role,
        ports: marker.ports.length > 0 ? marker.ports : config.ports,
        leftover: marker.lifetime === 'ephemeral' && (owner === undefined || !alive(owner)),
      },
    ];
  });
}

/** Only the JVMs started with this WORKSHOP_JVM_TAG (a test's own), or every one when no tag is given. */
export function withTag(jvms: readonly WorkshopJvm[], tag: string | undefined): WorkshopJvm[] {
  return tag ? jvms.filter((jvm) => jvm.marker.tag === tag) : [...jvms];
}

function shownDir(dir: string): string {
  return dir.startsWith(PROJECT_ROOT + path.sep) ? displayPath(dir) : dir;
}

/** One line for kafka:status. */
export function describeJvm(jvm: WorkshopJvm): string {
  const kind = jvm.marker.lifetime === 'persistent' ? 'persistent' : 'throw-away';
  const what = jvm.role === 'broker,controller' ? 'broker' : jvm.role;
  const state = jvm.leftover ? ' — LEFT OVER: the command that started it is gone' : '';
  const ports = jvm.ports.length > 0 ? `ports ${jvm.ports.join(', ')}` : 'ports unknown';
  return `pid ${jvm.pid}: ${kind} ${what}, ${ports}, data in ${shownDir(jvm.marker.dir)}${state}`;
}

/** What a throw-away JVM may have deleted: only folders the workshop makes in the temp folder. */
export function throwAwayFolder(jvm: WorkshopJvm): string | undefined {
  const root = jvm.marker.root ?? jvm.marker.dir;
  const clusterRoot = path.dirname(root);
  const candidate = /^kafka-workshop-cluster-/.test(path.basename(clusterRoot)) ? clusterRoot : root;
  return /^kafka-(workshop|faults)-/.test(path.basename(candidate)) ? candidate : undefined;
}

/**
 * Stops the JVMs: throw-away ones at once (their data is deleted anyway), then persistent
 * brokers, then persistent controllers (brokers hand over their partitions through a controller).
 */
export async function stopWorkshopJvms(
  jvms: readonly WorkshopJvm[],
  log: (line: string) => void,
  graceMs = 20_000,
): Promise<void> {
  const ephemeral = jvms.filter((jvm) => jvm.marker.lifetime === 'ephemeral');
  await Promise.all(
    ephemeral.map(async (jvm) => {
      await killProcess(jvm.pid);
      const folder = throwAwayFolder(jvm);
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
      log(`Stopped throw-away pid ${jvm.pid}${folder ? ` and removed ${folder}` : ''}.`);
    }),
  );
  const persistent = jvms.filter((jvm) => jvm.marker.lifetime === 'persistent');
  for (const wave of [
    persistent.filter((j) => j.role !== 'controller'),
    persistent.filter((j) => j.role === 'controller'),
  ]) {
    await Promise.all(
      wave.map(async (jvm) => {
        const result = await stopProcess(jvm.pid, { graceMs, stopFile: jvm.marked ? jvm.marker.stop : undefined });
        for (const pidFile of ['broker.pid', 'node.pid'])
          fs.rmSync(path.join(jvm.marker.dir, pidFile), { force: true });
        log(
          result === 'killed'
            ? killedNotice(`Persistent ${jvm.role === 'controller' ? 'controller' : 'broker'}`, jvm.pid, graceMs)
            : `Stopped persistent pid ${jvm.pid} (data kept in ${shownDir(jvm.marker.dir)}).`,
        );
      }),
    );
  }
}
