/**
 * Whether an error means the broker is gone: kafkajs could not reach it, or it stopped answering,
 * even after every retry. kafkajs wraps the cause (retries exceeded, non-retriable), so the
 * whole cause chain is searched.
 */
export function isBrokerLoss(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    if (['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError'].includes(current.name))
      return true;
    current = current.cause;
  }
  return false;
}
