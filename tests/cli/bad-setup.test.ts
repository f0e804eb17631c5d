import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { learnerEnv, runWorkshopCli, STACK_FRAME } from '../support/spawn-cli.ts';

/**
 * A laptop with no broker, or a mistyped setting: `npm run check`, the simulator and the
 * monitor each answer at once with one clear message and a non-zero exit. No stack trace, no
 * waiting, no storm of connection attempts.
 */
const PROGRAMS = [
  // [name, script, arguments, arguments that finish without looking for a broker]
  ['npm run check', 'workshop/cli/check.ts', ['lesson-01'], ['lesson-99']],
  ['npm run simulator', 'demo/simulator.ts', ['--solution'], ['--help']],
  ['npm run monitor', 'demo/monitor.ts', ['--solution'], ['--help']],
] as const;

/** A local port that accepts connections and hangs up at once, counting them: a broker address where nothing answers. */
async function hangingUpPort(
  onTestFinished: (cleanup: () => Promise<void>) => void,
): Promise<{ address: string; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise((resolve) => server.close(() => resolve())));
  return { address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, connections: () => connections };
}

/** A learner's shell with nothing to get a broker from: no KAFKA_BROKERS, no broker on the local address, no docker, no java. */
function nothingToRunKafkaWith(localBroker: string): NodeJS.ProcessEnv {
  const emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), 'no-tools-'));
  const env = learnerEnv({ PATH: emptyBin, WORKSHOP_LOCAL_BROKER: localBroker, WORKSHOP_PRELOAD: 'none' });
  delete env.JAVA_HOME;
  delete env.KAFKA_BROKERS;
  return env;
}

/** Six programs start side by side: on a loaded 2-core machine each can take most of a minute to load. */
const SLOW_START_MS = 80_000;

describe.concurrent('with no broker, no Docker and no Java', { timeout: 90_000 }, () => {
  test.for(PROGRAMS)(
    '%s names the three ways to get a broker, at once and once',
    async ([name, script, args, instantArgs], { onTestFinished }) => {
      const local = await hangingUpPort(onTestFinished);
      const env = nothingToRunKafkaWith(local.address);
      // the same program, run side by side on a path that needs no broker: the cost of starting node and loading the code
      const [baseline, run] = await Promise.all([
        runWorkshopCli(script, [...instantArgs], env, SLOW_START_MS),
        runWorkshopCli(script, [...args], env, SLOW_START_MS),
      ]);

      expect(run.code, run.output).toBe(1);
      expect(run.stderr).toContain('No Kafka broker is running, and none could be started here');
      expect(run.stderr).toContain('docker compose up -d');
      expect(run.stderr).toContain('npm run kafka');
      expect(run.stderr).toContain('KAFKA_BROKERS=host:port');
      expect(run.stderr).toContain('Java is not installed');
      expect(run.output).not.toMatch(STACK_FRAME);
      expect(run.stderr.match(/No Kafka broker is running/g), 'the message comes once').toHaveLength(1);
      // one look at the local address (is the port open?), one metadata request that finds no Kafka there: no retries
      expect(local.connections(), 'connection attempts on the local broker address').toBeLessThanOrEqual(2);
      const lookup = run.durationMs - baseline.durationMs;
      expect(lookup, `${name} took ${run.durationMs} ms, ${baseline.durationMs} ms of it to start`).toBeLessThan(5000);
      console.log(
        `[measured] no broker: ${name} exit ${run.code} after ${(run.durationMs / 1000).toFixed(1)} s, ${(Math.max(lookup, 0) / 1000).toFixed(1)} s more than starting up; ${local.connections()} connection attempt(s) on the local broker address`,
      );
    },
  );
});

describe.concurrent('a malformed KAFKA_BROKERS', { timeout: 90_000 }, () => {
  test.for(PROGRAMS)('%s says what is wrong in one line', async ([, script, args]) => {
    const run = await runWorkshopCli(
      script,
      [...args],
      learnerEnv({ KAFKA_BROKERS: 'kafka://localhost', WORKSHOP_PRELOAD: 'none' }),
      SLOW_START_MS,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      '❌ KAFKA_BROKERS has "kafka://localhost", which is not host:port (for example localhost:9092)',
    );
    expect(run.stdout).toBe('');
  });
});
