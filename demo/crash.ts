import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** The requests that commit: EndTxn ends a transaction, OffsetCommit is a consumer's own commit. */
const COMMIT_REQUESTS = new Set([26, 8]);

/**
 * Connections that end the whole process (SIGKILL: no goodbye, nothing flushed, nothing left
 * the group) the moment `armed()` says so and a commit request is about to leave. The closest
 * a demo can come to pulling the plug between produce and commit, on any operating system.
 */
export function crashOnCommit(armed: () => boolean, lastWords: () => string): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : net.connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = (chunk: unknown, ...rest: unknown[]) => {
      // a request frame: size, then its api key
      if (Buffer.isBuffer(chunk) && chunk.length >= 6 && COMMIT_REQUESTS.has(chunk.readInt16BE(4)) && armed()) {
        fs.writeSync(1, `${lastWords()}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
      return write(chunk, ...rest);
    };
    return socket;
  };
}
