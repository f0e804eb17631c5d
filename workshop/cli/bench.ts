import { findOrStartBroker } from '../broker/discover.ts';
import { startEphemeralCluster, startEphemeralJvmBroker } from '../broker/ephemeral-broker.ts';
import { formatTimings, repeat, timeCommand, type Timing } from '../bench/measure.ts';
import { ConfigError } from '../config.ts';
import { listLessons } from '../lessons.ts';
import { runCli } from './run-cli.ts';

/**
 * `npm run bench [section…] [--runs N] [--messages N]`: measured on this machine against one
 * broker. Timings are whole-process wall times, the median of --runs runs (default 5):
 * broker, cluster, check, test. Then the live demo's end-to-end latency (demo) and lesson 07's
 * producer throughput against Kafka's Java ProducerPerformance (throughput; median of
 * --runs runs, default 3, of --messages messages).
 */
const SECTIONS = ['broker', 'cluster', 'check', 'test', 'demo', 'throughput'] as const;
type Section = (typeof SECTIONS)[number];

function parseArgs(args: string[]): { sections: Section[]; runs?: number; messages?: number } {
  const parsed: { sections: Section[]; runs?: number; messages?: number } = { sections: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--runs' || arg === '--messages') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${arg} takes a whole number of at least 1, not "${args[i] ?? ''}"`);
      parsed[arg === '--runs' ? 'runs' : 'messages'] = value;
    } else if ((SECTIONS as readonly string[]).includes(arg)) parsed.sections.push(arg as Section);
    else throw new ConfigError(`unknown bench section "${arg}": choose from ${SECTIONS.join(', ')}`);
  }
  if (parsed.sections.length === 0) parsed.sections = [...SECTIONS];
  return parsed;
}

const log = (line: string) => console.log(line);

runCli(async (args) => {
  const { sections, runs: runsGiven, messages } = parseArgs(args);
  const runs = runsGiven ?? 5;
  const timings: Timing[] = [];
  const tables: string[] = [];
  const broker = await findOrStartBroker('ephemeral', log);
  const env = { ...process.env, KAFKA_BROKERS: broker.brokers.join(',') };
  try {
    /** From nothing to answering, jars already cached; what was started is stopped before the next run. */
    const coldStart = (what: string, start: () => Promise<{ stop(): Promise<void> }>) =>
      repeat(what, runs, async () => {
        const started = performance.now();
        const fresh = await start();
        const elapsed = performance.now() - started;
        await fresh.stop();
        return elapsed;
      });
    if (sections.includes('broker')) {
      log(`Timing the JVM broker's cold start (jars cached), ${runs} runs…`);
      timings.push(await coldStart('JVM broker: cold start to ready (jars cached)', () => startEphemeralJvmBroker(() => undefined)));
    }
    if (sections.includes('cluster')) {
      log(`Timing the 3-node JVM cluster's cold start (jars cached), ${runs} runs…`);
      timings.push(await coldStart('JVM 3-node cluster: cold start to ready (jars cached)', () => startEphemeralCluster(() => undefined)));
    }
    if (sections.includes('check')) {
      for (const lesson of listLessons()) {
        log(`Timing npm run check ${lesson.id} -- --solution, ${runs} runs…`);
        timings.push(await repeat(`npm run check ${lesson.id} -- --solution`, runs, () => timeCommand('npm', ['run', '-s', 'check', lesson.id, '--', '--solution'], env)));
      }
      log(`Timing npm run check lesson-01 on the untouched stub, ${runs} runs…`);
      timings.push(
        await repeat('npm run check lesson-01 (untouched stub, exits 1)', runs, () =>
          timeCommand('npm', ['run', '-s', 'check', 'lesson-01'], env, 1),
        ),
      );
    }
    if (sections.includes('test')) {
      log(`Timing the whole npm test, ${runs} runs…`);
      timings.push(await repeat('npm test (whole suite)', runs, () => timeCommand('npm', ['test', '--', '--reporter=dot'], env)));
    }
    if (sections.includes('demo')) {
      log('Timing the live demo: produce to monitor print, at the default rate (10 s) and at 1,000 msg/s (5 s)…');
      const { measureDemoLatency, formatDemoLatency } = await import('../bench/demo-latency.ts');
      tables.push(formatDemoLatency(await measureDemoLatency(broker.brokers)));
    }
    if (sections.includes('throughput')) {
      const throughputRuns = runsGiven ?? 3;
      log(`Racing the producers (lesson 07) against Kafka's Java ProducerPerformance, median of ${throughputRuns} runs…`);
      const { measureThroughput, formatThroughputTable } = await import('../bench/throughput.ts');
      const rows = await measureThroughput(broker.brokers, { runs: throughputRuns, messages, log });
      tables.push(`Throughput, 100-byte messages, acks=all, median of ${throughputRuns} runs:\n\n${formatThroughputTable(rows)}`);
    }
  } finally {
    await broker.stop?.();
  }
  log('');
  log([...(timings.length > 0 ? [formatTimings(timings)] : []), ...tables].join('\n\n'));
});
