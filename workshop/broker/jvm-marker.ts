import os from 'node:os';
import path from 'node:path';

/**
 * Every broker JVM the workshop starts carries -Dkafka.workshop=… on its command line: whether it
 * is throw-away (ephemeral: checks, tests, failover, bench) or the learner's (persistent: npm run
 * kafka), its folder and ports, the process that owns it, and a tag. That is how kafka:status
 * finds every workshop JVM on the machine, even one whose pid file is gone, and how a test stops
 * only the JVMs it started (WORKSHOP_JVM_TAG). URL-encoded, so the value never holds a space.
 */
export const MARKER_PROPERTY = 'kafka.workshop';
/** Set in the environment of a test's commands: their JVMs carry it, and kafka:stop -- --all is limited to it. */
export const TAG_VARIABLE = 'WORKSHOP_JVM_TAG';

export type Lifetime = 'persistent' | 'ephemeral';

export interface JvmMarker {
  lifetime: Lifetime;
  /** The node's folder: config, data, log. */
  dir: string;
  /** What the JVM deletes when its owner is gone (ephemeral): the node folder or its whole cluster's. */
  root?: string;
  ports: number[];
  /** The pid of the workshop process that started it. */
  owner?: number;
  tag?: string;
  /** A file whose appearance makes Kafka shut down cleanly (the graceful stop on every OS). */
  stop?: string;
}

export function markerArgument(marker: JvmMarker): string {
  const values = new URLSearchParams({ lifetime: marker.lifetime, dir: marker.dir, ports: marker.ports.join(',') });
  if (marker.root) values.set('root', marker.root);
  if (marker.owner !== undefined) values.set('owner', String(marker.owner));
  if (marker.tag) values.set('tag', marker.tag);
  if (marker.stop) values.set('stop', marker.stop);
  return `-D${MARKER_PROPERTY}=${values.toString()}`;
}

export function parseMarker(commandLine: string): JvmMarker | undefined {
  const match = new RegExp(`-D${MARKER_PROPERTY.replace('.', '\\.')}=([^\\s"]+)`).exec(commandLine);
  if (!match) return undefined;
  const values = new URLSearchParams(match[1]);
  const lifetime = values.get('lifetime');
  const dir = values.get('dir');
  if ((lifetime !== 'persistent' && lifetime !== 'ephemeral') || !dir) return undefined;
  const owner = Number(values.get('owner'));
  return {
    lifetime,
    dir,
    root: values.get('root') ?? undefined,
    ports: (values.get('ports') ?? '').split(',').filter(Boolean).map(Number),
    owner: Number.isInteger(owner) && owner > 0 ? owner : undefined,
    tag: values.get('tag') ?? undefined,
    stop: values.get('stop') ?? undefined,
  };
}

/**
 * A broker started before JVMs were marked: kafka.Kafka with a server.properties in a folder the
 * workshop makes (a temporary kafka-workshop-… or kafka-faults-… folder, or .workshop/kafka…).
 * The issue that brought markers found such JVMs orphaned; they are listed and stopped too.
 */
export function parseUnmarkedBroker(commandLine: string, tmpdir = os.tmpdir()): JvmMarker | undefined {
  if (!/\skafka\.Kafka\s/.test(commandLine)) return undefined;
  const config = /\skafka\.Kafka\s+(.+?)[/\\]server\.properties\b/.exec(commandLine)?.[1];
  if (!config) return undefined;
  const dir = config.trim();
  const name = path.basename(dir);
  const parent = path.basename(path.dirname(dir));
  const workshopFolder = [name, parent].some((part) => /^kafka-(workshop|faults)-/.test(part));
  if (!workshopFolder && !dir.includes(`${path.sep}.workshop${path.sep}`)) return undefined;
  return { lifetime: dir.startsWith(tmpdir) ? 'ephemeral' : 'persistent', dir, ports: [] };
}
