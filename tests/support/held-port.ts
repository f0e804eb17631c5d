import net from 'node:net';
import { onTestFinished } from 'vitest';
import { freePort } from '../../workshop/broker/ports.ts';

/**
 * A free port on which a plain server does `onConnection` with each caller, until the test ends;
 * then the callers still connected are hung up on, so that closing it never waits for them.
 */
export async function portServedBy(onConnection: (socket: net.Socket) => void): Promise<number> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return port;
}

/** A port that another program holds until the test ends: it hangs up on whoever calls. */
export function heldPort(): Promise<number> {
  return portServedBy((socket) => socket.destroy());
}
