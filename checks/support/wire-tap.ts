import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** A Produce request as the broker received it: who sent it and which acknowledgement it asked for. */
export interface ProduceRequest {
  clientId: string;
  acks: number;
}

const PRODUCE_API_KEY = 0;

export interface WireTap {
  socketFactory: ISocketFactory;
  produceRequests: ProduceRequest[];
  /** Connections this client opened that are not closed yet. */
  openConnections(): number;
}

/**
 * A kafkajs socket factory that opens real connections, notes every Produce request written
 * to them and keeps the sockets in view. Some behaviour leaves no trace on the topic, such as
 * the acks asked for or a connection left open: the wire is the only place to see it.
 */
export function wireTap(): WireTap {
  const produceRequests: ProduceRequest[] = [];
  const sockets: net.Socket[] = [];
  const socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : net.connect({ host, port }, onConnect);
    sockets.push(socket);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = (chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk)) produceRequests.push(...parseProduceRequests(chunk));
      return write(chunk, ...rest);
    };
    return socket;
  };
  return {
    socketFactory,
    produceRequests,
    openConnections: () => sockets.filter((socket) => !socket.destroyed).length,
  };
}

/**
 * Reads the request frames in one write: size, api key, api version, correlation id, client id;
 * for Produce v3 and later the transactional id comes next, then acks.
 */
export function parseProduceRequests(buffer: Buffer): ProduceRequest[] {
  const found: ProduceRequest[] = [];
  let at = 0;
  while (at + 14 <= buffer.length) {
    const size = buffer.readInt32BE(at);
    const frame = buffer.subarray(at + 4, at + 4 + size);
    at += 4 + size;
    if (frame.length < size || frame.readInt16BE(0) !== PRODUCE_API_KEY) continue;
    const version = frame.readInt16BE(2);
    let offset = 8;
    const clientIdLength = frame.readInt16BE(offset);
    offset += 2;
    const clientId = clientIdLength < 0 ? '' : frame.toString('utf8', offset, offset + clientIdLength);
    offset += Math.max(clientIdLength, 0);
    if (version >= 3) {
      const transactionalIdLength = frame.readInt16BE(offset);
      offset += 2 + Math.max(transactionalIdLength, 0);
    }
    found.push({ clientId, acks: frame.readInt16BE(offset) });
  }
  return found;
}
