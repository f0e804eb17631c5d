import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

export const PRODUCE_API_KEY = 0;

/** What a check may do with the Kafka requests and responses on a client's connections. */
export interface SocketHooks {
  /** Sees each request before it is written; returning false swallows it (the hook may break the connection). */
  request?(request: { apiKey: number; correlationId: number; chunk: Buffer }, socket: net.Socket): boolean | void;
  /**
   * Sees each response frame before kafkajs does: returning false holds back it and everything
   * after (the hook may break the connection); returning a Buffer hands kafkajs that frame instead.
   */
  response?(correlationId: number, socket: net.Socket, frame: Buffer): boolean | Buffer | void;
}

/**
 * A kafkajs socket factory that opens real connections and lets a check watch or disturb the
 * traffic: a lost acknowledgement, a request that never leaves. kafkajs writes one request per
 * write; responses arrive in chunks that are reassembled into frames here.
 */
export function hookedSocketFactory(hooks: SocketHooks): ISocketFactory {
  return ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = (chunk: unknown, ...rest: unknown[]) => {
      if (
        Buffer.isBuffer(chunk) &&
        chunk.length >= 12 &&
        hooks.request?.({ apiKey: chunk.readInt16BE(4), correlationId: chunk.readInt32BE(8), chunk }, socket) === false
      )
        return false;
      return write(chunk, ...rest);
    };
    // kafkajs unrefs a connection at every disconnect; Node puts off the unref of a socket that
    // has not connected until its 'connect' event, which a socket the check destroyed never has:
    // the listeners would pile up, and Node warns the learner about a leak after ten
    const unref = socket.unref.bind(socket);
    socket.unref = () => (socket.destroyed ? socket : unref());
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'data' || !hooks.response) return on(event, listener);
      const frames = new FrameReader();
      let holding = false;
      // whole frames only, each as the hook leaves it: kafkajs reassembles whatever it is given
      return on('data', (chunk: Buffer) => {
        const passed: Buffer[] = [];
        for (const frame of frames.push(chunk)) {
          if (holding) break;
          const verdict = hooks.response!(frame.readInt32BE(4), socket, frame);
          if (verdict === false) holding = true;
          else passed.push(Buffer.isBuffer(verdict) ? verdict : frame);
        }
        if (passed.length > 0) listener(Buffer.concat(passed));
      });
    }) as typeof socket.on;
    return socket;
  };
}

/** Splits a byte stream into Kafka frames (int32 size, then that many bytes) as chunks arrive. */
class FrameReader {
  private pending = Buffer.alloc(0);

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
