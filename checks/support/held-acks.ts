import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

const PRODUCE_API_KEY = 0;

export interface HeldAcks {
  socketFactory: ISocketFactory;
  /** Produce requests written so far, on every connection made through this factory. */
  produceRequests(): number;
  /** From now on, a connection that has sent a Produce request gets no answers until release(). */
  hold(): void;
  /** Hands every held answer over, in order, and stops holding. */
  release(): void;
}

/**
 * A kafkajs socket factory that can keep the broker's acknowledgements of produce requests
 * back for a while: the message is stored, but the producer does not know it yet. Code that
 * awaits its send waits; code that does not, moves on. Only connections that produced are held,
 * so a consumer made from the same connection settings keeps reading.
 */
export function heldAcks(): HeldAcks {
  let holding = false;
  let produceRequests = 0;
  const releases: Array<() => void> = [];
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    let produced = false;
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = (chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length >= 8 && chunk.readInt16BE(4) === PRODUCE_API_KEY) {
        produced = true;
        produceRequests += 1;
      }
      return write(chunk, ...rest);
    };
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'data') return on(event, listener);
      const held: Buffer[] = [];
      releases.push(() => held.splice(0).forEach((chunk) => listener(chunk)));
      return on('data', (chunk: Buffer) => {
        // once one chunk is held, every later one waits behind it: answers stay in order
        if ((holding && produced) || held.length > 0) held.push(chunk);
        else listener(chunk);
      });
    }) as typeof socket.on;
    return socket;
  };
  return {
    socketFactory,
    produceRequests: () => produceRequests,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      releases.forEach((release) => release());
    },
  };
}
