/**
 * Whether an error means the broker is gone: kafkajs could not reach it, or it stopped answering,
 * even after every retry. kafkajs wraps the cause (retries exceeded, non-retriable), so the
 * whole cause chain is searched.
 */
export function isBrokerLoss(error: unknown): boolean {
  return causedBy(error, ['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']);
}

/**
 * Whether an error means a broker that is back has not loaded a group's coordinator yet: for a
 * program that waits for its broker, it is still away. Wrapped by kafkajs's retries like the rest.
 */
export function isCoordinatorLoading(error: unknown): boolean {
  return causedBy(error, ['KafkaJSGroupCoordinatorNotFound']);
}

function causedBy(error: unknown, names: readonly string[]): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    if (names.includes(current.name)) return true;
    current = current.cause;
  }
  return false;
}
