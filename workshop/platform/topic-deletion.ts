import type { Admin } from 'kafkajs';
import { workshopEnv } from '../env.ts';

/**
 * Kafka on native Windows cannot delete a topic: it renames the topic's folder while its files
 * are still open, Windows refuses (AccessDeniedException, KAFKA-1194 and KAFKA-6203), and the
 * broker takes its whole log folder offline. So the workshop's own broker on Windows refuses
 * deletes, and the workshop does not ask. Every run uses topic names of its own, so leftover
 * topics harm nothing; `npm run kafka:stop` and a fresh start keep them, which is fine.
 */
export function platformBrokerSettings(platform: NodeJS.Platform = process.platform): Record<string, string> {
  return platform === 'win32' ? { 'delete.topic.enable': 'false' } : {};
}

/**
 * Whether the workshop deletes the topics it made. Not on Windows with the workshop's own broker
 * (nothing in KAFKA_BROKERS): that broker refuses. A cluster named in KAFKA_BROKERS, such as the
 * room's, is cleaned as on every other OS; were it a Windows broker of the workshop's, it would
 * refuse the delete safely and the refusal is ignored. KAFKA_BROKERS may come from .env.
 */
export function canDeleteTopics(platform: NodeJS.Platform = process.platform, env?: NodeJS.ProcessEnv): boolean {
  if (platform !== 'win32') return true;
  return Boolean(brokersSetting(env)?.trim());
}

/** KAFKA_BROKERS from the environment or .env; a broken .env is reported elsewhere, never by a cleanup. */
function brokersSetting(env: NodeJS.ProcessEnv | undefined): string | undefined {
  try {
    return (env ?? workshopEnv()).KAFKA_BROKERS;
  } catch {
    return undefined;
  }
}

/** Deletes topics the workshop created, when it may, and never throws: cleanup must not hide a result. */
export async function deleteTopicsQuietly(
  admin: Pick<Admin, 'deleteTopics'> | undefined,
  topics: readonly string[],
  options: { timeout?: number; platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  if (!admin || topics.length === 0 || !canDeleteTopics(options.platform, options.env)) return;
  const request =
    options.timeout === undefined ? { topics: [...topics] } : { topics: [...topics], timeout: options.timeout };
  await admin.deleteTopics(request).catch(() => undefined);
}
