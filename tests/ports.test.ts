import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { againOnNewPortsIfTaken, PortTakenError } from '../workshop/broker/port-taken.ts';
import { freePort } from '../workshop/broker/ports.ts';

const linuxRange = fs.existsSync('/proc/sys/net/ipv4/ip_local_port_range')
  ? fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
  : undefined;

describe('freePort', () => {
  test.runIf(linuxRange)(
    "draws ports below the OS's ephemeral range, never the same one twice, each one free",
    async () => {
      const ports = await Promise.all(Array.from({ length: 100 }, () => freePort()));
      expect(new Set(ports).size).toBe(100);
      for (const port of ports) expect(port).toBeLessThan(linuxRange![0]!);
      for (const port of ports) expect(port).toBeGreaterThanOrEqual(20_000);
      const server = net.createServer();
      const listening = new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(ports[0], '127.0.0.1', resolve);
      });
      await expect(listening).resolves.toBeUndefined();
      server.close();
    },
  );
});

describe('againOnNewPortsIfTaken', () => {
  test('starts again when a port was taken, and gives the broker’s own error after the third time', async () => {
    const original = new Error('Socket server failed to bind');
    let calls = 0;
    const alwaysTaken = () => {
      calls += 1;
      return Promise.reject(new PortTakenError(original));
    };
    await expect(againOnNewPortsIfTaken(alwaysTaken)).rejects.toBe(original);
    expect(calls).toBe(3);

    calls = 0;
    const takenOnce = () => (++calls === 1 ? Promise.reject(new PortTakenError(original)) : Promise.resolve('up'));
    await expect(againOnNewPortsIfTaken(takenOnce)).resolves.toBe('up');
    expect(calls).toBe(2);
  });

  test('any other start-up error goes through at once', async () => {
    let calls = 0;
    const javaMissing = new Error('java not found');
    await expect(againOnNewPortsIfTaken(() => (calls++, Promise.reject(javaMissing)))).rejects.toBe(javaMissing);
    expect(calls).toBe(1);
  });
});
