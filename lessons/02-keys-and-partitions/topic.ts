import type { Admin } from 'kafkajs';
import { todo } from '../../workshop/todo.ts';

/** The seed's transactions topic has three partitions: room for three consumers in one group. */
export const DEFAULT_PARTITIONS = 3;

/**
 * Creates the topic unless it exists. Resolves to true when this call created it, false when
 * it was already there, so the simulator can run any number of times.
 *
 * `admin` is a connected kafkajs admin client: the caller made it with kafka.admin() and
 * admin.connect(), and disconnects it afterwards.
 */
export async function ensureTopic(admin: Admin, topic: string, numPartitions = DEFAULT_PARTITIONS): Promise<boolean> {
  return todo(
    'lesson-02 step 1: create `topic` with `numPartitions` partitions using admin.createTopics, wait for its leaders, and return true if it was created, false if it already existed',
  );
}
