import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

const PRODUCE_API_KEY = 0;

/** The header every Kafka request starts with: size, api key, api version, correlation id. */
function requestHeader(frame: Buffer): { apiKey: number; correlationId: number } | undefined {
  return frame.length >= 12 ? { apiKey: frame.readInt16BE(4), correlationId: frame.readInt32BE(8) } : undefined;
}

/** Splits a byte stream into Kafka frames (int32 size, then that many bytes) as chunks arrive. */
class FrameReader {
  private pending = Buffer.alloc(0);
  /** Feeds a chunk; returns the frames it completed, each with its size prefix. */
  push(chunk: Buffer): Buffer[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 4 && this.pending.length >= 4 + this.pending.readInt32BE(0)) {
      const size = 4 + this.pending.readInt32BE(0);
      frames.push(this.pending.subarray(0, size));
      this.pending = this.pending.subarray(size);
    }
    return frames;
  }
}

export interface NetworkFault {
  socketFactory: ISocketFactory;
  /** Produce requests the client tried to send, the failed attempts included. */
  readonly produceAttempts: number;
}

/**
 * A network that loses the broker's answer to the first Produce request: the broker stores
 * the batch, but the connection breaks before the client hears so. The client cannot tell
 * whether its message arrived, which is exactly when a retry may write it twice.
 */
export function loseFirstProduceAcknowledgement(): NetworkFault {
  let produceAttempts = 0;
  let target: number | undefined;
  let lost = false;
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      const header = Buffer.isBuffer(chunk) ? requestHeader(chunk) : undefined;
      if (header?.apiKey === PRODUCE_API_KEY) {
        produceAttempts += 1;
        if (!lost && target === undefined) target = header.correlationId;
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    const responses = new FrameReader();
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'data') return on(event, listener);
      return on('data', (chunk: Buffer) => {
        const answersTarget = responses.push(chunk).some((frame) => !lost && frame.readInt32BE(4) === target);
        if (!answersTarget) return listener(chunk);
        lost = true;
        socket.destroy(new Error('the network lost the acknowledgement (a fault the check injected)'));
      });
    }) as typeof socket.on;
    return socket;
  };
  return {
    socketFactory,
    get produceAttempts() {
      return produceAttempts;
    },
  };
}

/**
 * A network on which no Produce request ever gets through: each one breaks its connection
 * before it leaves. Everything else (metadata, the producer id) works, as when the leader of
 * a partition is unreachable.
 */
export function refuseEveryProduce(): NetworkFault {
  let produceAttempts = 0;
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && requestHeader(chunk)?.apiKey === PRODUCE_API_KEY) {
        produceAttempts += 1;
        socket.destroy(new Error('the network refused the produce request (a fault the check injected)'));
        return false;
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    return socket;
  };
  return {
    socketFactory,
    get produceAttempts() {
      return produceAttempts;
    },
  };
}
