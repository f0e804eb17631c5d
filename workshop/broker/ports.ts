import fs from 'node:fs';
import net from 'node:net';

/**
 * Ports for brokers, registries and servers that start a moment later. Not the OS's `listen(0)`:
 * that port comes from the ephemeral range, which the OS also hands to every outgoing connection,
 * and on a busy machine a client's connection took one before the JVM bound it (CI: BindException).
 * So ports are drawn at random from below that range, where the OS hands out nothing by itself.
 */
const LOWEST = 20_000;
const given = new Set<number>();

let rangeStart: number | undefined;

export async function freePort(): Promise<number> {
  const below = (rangeStart ??= ephemeralRangeStart());
  if (below - LOWEST >= 1000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
      // never the same port twice in one process: the first one may not be bound yet
      if (given.has(port) || !(await canListen(port))) continue;
      given.add(port);
      return port;
    }
  }
  return osPickedPort();
}

/** Linux says where its range starts; macOS and Windows start theirs at 49152. */
function ephemeralRangeStart(): number {
  try {
    const [start] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(start) || 32_768;
  } catch {
    return 49_152;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function osPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
