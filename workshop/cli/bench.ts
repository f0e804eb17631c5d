import { findOrStartBroker } from '../broker/discover.ts';
import { startEphemeralCluster, startEphemeralJvmBroker } from '../broker/ephemeral-broker.ts';
import { formatTimings, repeat, timeCommand, type Timing } from '../bench/measure.ts';
import fs from 'node:fs';
import path from 'node:path';
import { checkServerAnswers, stopCheckServer } from '../check/check-server.ts';
import { TYPECHECK_CACHE_FILE } from '../check/typecheck.ts';
import { listLessons, type Lesson } from '../lessons.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { waitFor } from '../wait.ts';
import { runCli } from './run-cli.ts';

/**
 * `npm run bench [section…] [--runs N] [--messages N]`: measured on this machine against one
 * broker. Timings are whole-process wall times, the median of --runs runs (default 5):
 * broker, cluster, check, test; watch times a re-run of npm run watch from a save to its count of
 * the checks, for the lessons that need only a broker. Then the live demo's end-to-end latency (demo), the dashboard's
 * CPU use and produce-to-screen delay in chromium (dashboard), and lesson 07's
 * producer throughput against Kafka's Java ProducerPerformance, then per codec, with bytes on
 * disk (throughput; median of --runs runs, default 3, of --messages messages), and lesson 10's
 * balance service on a backlog, with transactions and without (balances; median of --runs
 * runs, default 3, of --messages transactions, default 20,000).
 */
const SECTIONS = [
  'broker',
  'cluster',
  'check',
  'watch',
  'test',
  'demo',
  'dashboard',
  'throughput',
  'balances',
] as const;
const PROFILE_DIR = '.workshop/profiles';

const command = {
  program: 'npm run bench',
  about: `Timings and throughput on this machine, section by section (all of them when none is named): ${SECTIONS.join(', ')}.`,
  flags: {
    runs: { kind: 'positive-integer', help: 'runs per timing; the median is shown (default 5, throughput 3)' },
    messages: {
      kind: 'positive-integer',
      help: 'messages per throughput run (balances: transactions, default 20,000)',
    },
    profile: {
      kind: 'switch',
      help: `demo: also write CPU profiles of the monitor and the sender to ${PROFILE_DIR} (open them in Chrome's DevTools)`,
    },
  },
  words: { usage: `[${SECTIONS.join(' | ')}]…`, name: 'section', max: SECTIONS.length, choices: SECTIONS },
} as const;

const log = (line: string) => console.log(line);

runCli(command, async ({ flags, words }) => {
  const sections = words.length > 0 ? words : SECTIONS;
  const { runs: runsGiven, messages } = flags;
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
      timings.push(
        await coldStart('JVM broker: cold start to ready (jars cached)', () =>
          startEphemeralJvmBroker(() => undefined),
        ),
      );
    }
    if (sections.includes('cluster')) {
      log(`Timing the 3-node JVM cluster's cold start (jars cached), ${runs} runs…`);
      timings.push(
        await coldStart('JVM 3-node cluster: cold start to ready (jars cached)', () =>
          startEphemeralCluster(() => undefined),
        ),
      );
    }
    if (sections.includes('check')) {
      // a learner's second check runs on the check server the first one left: time that, and the first
      const coldEnv = { ...env, WORKSHOP_CHECK_SERVER: 'off' };
      const checkOnce = (lesson: Lesson, runEnv: NodeJS.ProcessEnv, afterAnEdit: boolean) => {
        // an edit makes the lesson's type check run again: forgetting its answers does the same, and edits nothing
        if (afterAnEdit) fs.rmSync(TYPECHECK_CACHE_FILE, { force: true });
        return timeCommand('npm', ['run', '-s', 'check', lesson.id, '--', '--solution'], runEnv);
      };
      try {
        await startedCheckServer(env);
        for (const lesson of listLessons()) {
          log(`Timing npm run check ${lesson.id} -- --solution, ${runs} runs…`);
          timings.push(
            await repeat(`npm run check ${lesson.id} -- --solution`, runs, () => checkOnce(lesson, env, false)),
          );
        }
        for (const lesson of listLessons().filter(needsOnlyABroker)) {
          log(
            `Timing npm run check ${lesson.id} -- --solution as after an edit (the type check not remembered), ${runs} runs…`,
          );
          timings.push(
            await repeat(`npm run check ${lesson.id} -- --solution, as after an edit`, runs, () =>
              checkOnce(lesson, env, true),
            ),
          );
        }
        for (const lesson of listLessons().filter(needsOnlyABroker)) {
          log(
            `Timing npm run check ${lesson.id} -- --solution without the check server, as after an edit, ${runs} runs…`,
          );
          timings.push(
            await repeat(`npm run check ${lesson.id} -- --solution, as after an edit, no check server`, runs, () =>
              checkOnce(lesson, coldEnv, true),
            ),
          );
        }
        log(`Timing npm run check lesson-01 on the untouched stub, ${runs} runs…`);
        timings.push(
          await repeat('npm run check lesson-01 (untouched stub, exits 1)', runs, () =>
            timeCommand('npm', ['run', '-s', 'check', 'lesson-01'], env, 1),
          ),
        );
      } finally {
        // it was started with this bench's broker, which a learner's next check would not use
        stopCheckServer();
      }
    }
    if (sections.includes('watch')) {
      const { timeWatchReruns } = await import('../bench/watch-rerun.ts');
      for (const lesson of listLessons().filter(needsOnlyABroker)) {
        log(`Timing npm run watch ${lesson.id} -- --solution, a save, ${runs} runs…`);
        timings.push(await timeWatchReruns(lesson, runs, env));
      }
    }
    if (sections.includes('test')) {
      log(`Timing the whole npm test, ${runs} runs…`);
      timings.push(
        await repeat('npm test (whole suite)', runs, () => timeCommand('npm', ['test', '--', '--reporter=dot'], env)),
      );
    }
    if (sections.includes('demo')) {
      log('Timing the live demo: produce to monitor print, at the default rate (10 s) and at 1,000 msg/s (5 s)…');
      const { measureDemoLatency, formatDemoLatency } = await import('../bench/demo-latency.ts');
      const profileDir = flags.profile ? path.join(PROJECT_ROOT, PROFILE_DIR) : undefined;
      tables.push(formatDemoLatency(await measureDemoLatency(broker.brokers, { profileDir })));
      if (profileDir) log(`CPU profiles written to ${PROFILE_DIR}/`);
    }
    if (sections.includes('dashboard')) {
      log(
        'Loading the dashboard: the stream at the default rate (10 s) and at 1,000 msg/s (15 s), the page in chromium…',
      );
      const { measureDashboard, formatDashboardLoad } = await import('../bench/dashboard-load.ts');
      tables.push(formatDashboardLoad(await measureDashboard(broker.brokers)));
    }
    if (sections.includes('throughput')) {
      const throughputRuns = runsGiven ?? 3;
      log(
        `Racing the producers (lesson 07) against Kafka's Java ProducerPerformance, median of ${throughputRuns} runs…`,
      );
      const { measureThroughput, formatThroughputTable } = await import('../bench/throughput.ts');
      const rows = await measureThroughput(broker.brokers, { runs: throughputRuns, messages, log });
      tables.push(
        `Throughput, 100-byte messages, acks=all, median of ${throughputRuns} runs:\n\n${formatThroughputTable(rows)}`,
      );
      log(`Lesson 07's FastSender with each of Kafka's codecs, median of ${throughputRuns} runs…`);
      const { measureCodecs, formatCodecTable } = await import('../bench/codecs.ts');
      const codecs = await measureCodecs(broker.brokers, { runs: throughputRuns, messages, log });
      tables.push(`Codecs, the simulator's JSON transactions, acks=all:\n\n${formatCodecTable(codecs)}`);
    }
    if (sections.includes('balances')) {
      const balanceRuns = runsGiven ?? 3;
      log(`Timing npm run balances on a backlog, with and without transactions, ${balanceRuns} runs each…`);
      const { measureBalances, formatBalancesThroughput } = await import('../bench/balances.ts');
      const rows = await measureBalances(broker.brokers, {
        runs: balanceRuns,
        transactions: messages ?? 20_000,
        log,
      });
      tables.push(`Lesson 10's balance service, median of ${balanceRuns} runs:\n\n${formatBalancesThroughput(rows)}`);
    }
  } finally {
    await broker.stop?.();
  }
  log('');
  log([...(timings.length > 0 ? [formatTimings(timings)] : []), ...tables].join('\n\n'));
});

/** The lessons of the learner's everyday loop: a broker, and no cluster or registry of their own. */
function needsOnlyABroker(lesson: Lesson): boolean {
  return lesson.needs.every((need) => need === 'broker');
}

/**
 * A check leaves a check server behind (an out-of-date one steps down first); the timed checks
 * then find it listening, and past its own first run.
 */
async function startedCheckServer(env: NodeJS.ProcessEnv): Promise<void> {
  const warmUp = () => timeCommand('npm', ['run', '-s', 'check', 'lesson-01', '--', '--solution'], env);
  await warmUp();
  await waitFor(async () => ((await checkServerAnswers()) ? true : undefined), {
    timeoutMs: 30_000,
    expected: 'the check server to listen',
    likelyCause: 'WORKSHOP_CHECK_SERVER=off is set in this shell',
  });
  await warmUp();
}
