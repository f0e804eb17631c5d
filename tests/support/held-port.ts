import net from 'node:net';
import { onTestFinished } from 'vitest';
import { freePort } from '../../workshop/broker/ports.ts';

/** A port that a plain server holds until the test ends, as another program on the machine would. */
export async function heldPort(): Promise<number> {
  const port = await freePort();
  // it hangs up on whoever calls, so that closing it at the end does not wait for their sockets
  const holder = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen(port, '127.0.0.1', resolve);
  });
  onTestFinished(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  return port;
}
