import type { Admin } from 'kafkajs';
import { kafkaConfig, newKafka } from '../config.ts';
import { deleteTopicsQuietly } from '../platform/topic-deletion.ts';
import { within } from '../wait.ts';

/** A cleanup must never hold the runner up for long: what is left past this stays on the broker. */
const LEFTOVERS_LIMIT_MS = 5000;
/** A check's run id (CheckContext): anything shorter could be part of other runs' names. */
const RUN_ID = /^[0-9a-f]{8}$/;

/**
 * The consumer groups named with one of `runIds`: the groups of the checks' readers, and those
 * the checks gave the learner's code. Left behind, they pile up by the hundred in a day of checks,
 * and fill the learner's own `kafka-consumer-groups.sh --list`. Listed before anything is deleted:
 * kafkajs asks for the metadata of every topic it has met before listing or deleting groups, and
 * fails on one deleted meanwhile.
 */
export async function groupsOfRuns(admin: Admin, runIds: readonly string[]): Promise<string[]> {
  const ids = runIds.filter((runId) => RUN_ID.test(runId));
  if (ids.length === 0) return [];
  const { groups } = await admin.listGroups().catch(() => ({ groups: [] }));
  return groups.map((group) => group.groupId).filter((groupId) => ids.some((runId) => groupId.includes(runId)));
}

/** Deletes groups, and never throws: one still in use is refused by Kafka, and stays. */
export async function deleteGroupsQuietly(admin: Admin, groupIds: readonly string[]): Promise<void> {
  if (groupIds.length === 0) return;
  await within(admin.deleteGroups([...groupIds]), LEFTOVERS_LIMIT_MS, 'deleting the groups took too long').catch(
    () => undefined,
  );
}

/**
 * Removes the topics and consumer groups of checks whose thread was ended (Ctrl+C, or learner code
 * that held the thread): those checks never ran their own cleanup (checks/support/context.ts). Both
 * are named with the check's run id. A group whose consumers were ended with the thread still has
 * members until the broker's session timeout, so it is not empty and stays: it expires in time.
 * Never throws.
 */
export async function removeLeftovers(brokers: string[], runIds: readonly string[]): Promise<void> {
  const ids = runIds.filter((runId) => RUN_ID.test(runId));
  if (ids.length === 0) return;
  const admin = newKafka(kafkaConfig('workshop-leftovers', brokers)).admin();
  const cleanup = async () => {
    await admin.connect();
    const [topics, groups] = await Promise.all([admin.listTopics(), groupsOfRuns(admin, ids)]);
    // the groups first, while kafkajs can still ask for their topics' metadata
    await deleteGroupsQuietly(admin, groups);
    const ofTheseRuns = topics.filter((topic) => ids.some((runId) => topic.includes(runId)));
    await deleteTopicsQuietly(admin, ofTheseRuns, { timeout: LEFTOVERS_LIMIT_MS });
  };
  await within(cleanup(), LEFTOVERS_LIMIT_MS, 'removing leftovers took too long').catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
}
