/**
 * The one Apache Kafka version used everywhere: the JVM broker's jars, docker-compose.yml and
 * the testcontainers image. A test keeps pom.xml and docker-compose.yml in step with it.
 */
export const KAFKA_VERSION = '4.1.2';
export const KAFKA_IMAGE = `apache/kafka:${KAFKA_VERSION}`;
/** Where a learner's broker usually answers. WORKSHOP_LOCAL_BROKER moves it, so tests can stand in a machine with none. */
export const DEFAULT_BROKER = process.env.WORKSHOP_LOCAL_BROKER ?? '127.0.0.1:9092';
