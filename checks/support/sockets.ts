/**
 * How many TCP sockets this process holds open. kafkajs opens one per broker connection, so
 * the count before and after a client's disconnect shows whether it really let go.
 */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap').length;
}
