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
  // the transaction log's default 50 partitions take seconds to create at the first transaction
  // (lesson 10) and to load again after a crash; like the offsets topic, 3 are plenty here
  'transaction.state.log.num.partitions': '3',
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

/**
 * What a cluster of three brokers adds: the internal topics get a replica on every broker, so
 * losing one loses no group offsets, and a killed broker is declared dead after 3 s instead
 * of 9 s, a failover a learner can watch. docker-compose.yml's cluster profile uses the same.
 */
export const CLUSTER_SETTINGS: Readonly<Record<string, string>> = {
  'offsets.topic.replication.factor': '3',
  'transaction.state.log.replication.factor': '3',
  'transaction.state.log.min.isr': '2',
  'share.coordinator.state.topic.replication.factor': '3',
  'share.coordinator.state.topic.min.isr': '2',
  // the controller fences a broker whose heartbeats stop for this long, then elects new leaders
  'broker.session.timeout.ms': '3000',
  'broker.heartbeat.interval.ms': '500',
};
