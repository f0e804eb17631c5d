import fs from 'node:fs';
import { findWorkshopJvms, stopWorkshopJvms, withTag, type WorkshopJvm } from '../../../workshop/broker/inventory.ts';

/**
 * What a fault test started and what is left of it. Other engineers' brokers and the shared one
 * run on this machine too: a test only ever looks at, and stops, the JVMs that carry its own tag
 * (WORKSHOP_JVM_TAG) and the processes that run in its own copy of the project.
 */
export function taggedJvms(tag: string): WorkshopJvm[] {
  return withTag(findWorkshopJvms(), tag);
}

/** The JVMs a command started: its tag, and its pid as their owner. */
export function jvmsOwnedBy(tag: string, owner: number): WorkshopJvm[] {
  return taggedJvms(tag).filter((jvm) => jvm.marker.owner === owner);
}

/** Stops whatever the tag's JVMs are, for the test's own cleanup. */
export async function stopTagged(tag: string): Promise<void> {
  await stopWorkshopJvms(taggedJvms(tag), () => undefined, 5000);
}

/** Live processes whose working folder is `dir` (Linux, where these tests run): a CLI's leftovers. */
export function processesIn(dir: string): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return fs.readlinkSync(`/proc/${entry}/cwd`) === dir ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}
