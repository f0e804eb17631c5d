/**
 * Broker settings that keep checks fast on a single node. The JVM broker writes them into its
 * server.properties; docker-compose.yml and testcontainers pass them as KAFKA_* variables.
 */
export const FAST_CHECK_SETTINGS: Readonly<Record<string, string>> = {
  // a consumer joining an empty group starts at once instead of waiting 3 s for company
  'group.initial.rebalance.delay.ms': '0',
  // one broker can only hold one replica of the internal topics
  'offsets.topic.replication.factor': '1',
  'offsets.topic.num.partitions': '3',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  // lessons create their topics explicitly; a typo should not silently create one
  'auto.create.topics.enable': 'false',
  'num.partitions': '1',
};

/** `group.initial.rebalance.delay.ms` → `KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS`, the apache/kafka image's convention. */
export function toDockerEnv(settings: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [`KAFKA_${key.toUpperCase().replaceAll('.', '_')}`, value]),
  );
}
