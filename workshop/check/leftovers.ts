import { kafkaConfig, newKafka } from '../config.ts';
import { deleteTopicsQuietly } from '../platform/topic-deletion.ts';
import { within } from '../wait.ts';

/** A cleanup must never hold the runner up for long: what is left past this stays on the broker. */
const LEFTOVERS_LIMIT_MS = 5000;
const RUN_ID = /^[0-9a-f]{8}$/;

/**
 * Removes the topics and consumer groups of checks whose thread was ended (Ctrl+C, or learner code
 * that held the thread): those checks never ran their own cleanup (checks/support/context.ts). Both
 * are named with the check's run id. A group whose consumers were ended with the thread still has
 * members until the broker's session timeout, so it is not empty and stays: it expires in time.
 * Never throws.
 */
export async function removeLeftovers(brokers: string[], runIds: readonly string[]): Promise<void> {
  // a run id is 8 hex digits (CheckContext); anything shorter would match names of other runs
  const ids = runIds.filter((runId) => RUN_ID.test(runId));
  if (ids.length === 0) return;
  const admin = newKafka(kafkaConfig('workshop-leftovers', brokers)).admin();
  const ofTheseRuns = (name: string) => ids.some((runId) => name.includes(runId));
  const cleanup = async () => {
    await admin.connect();
    const [topics, { groups }] = await Promise.all([admin.listTopics(), admin.listGroups()]);
    const groupIds = groups.map((group) => group.groupId).filter(ofTheseRuns);
    // the groups first: kafkajs asks for the metadata of the topics it has met before deleting a group
    if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
    await deleteTopicsQuietly(admin, topics.filter(ofTheseRuns), { timeout: LEFTOVERS_LIMIT_MS });
  };
  await within(cleanup(), LEFTOVERS_LIMIT_MS, 'removing leftovers took too long').catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
}
