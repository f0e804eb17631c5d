import type { KafkaConfig } from 'kafkajs';
import { findOrStartBroker } from '../workshop/broker/discover.ts';
import type { CommandSpec, FlagSpec, Flags } from '../workshop/cli/args.ts';
import { runCli } from '../workshop/cli/run-cli.ts';
import { kafkaConfig } from '../workshop/config.ts';
import { watchBroker } from './broker-watch.ts';
import { print } from './output.ts';
import { codeSource, loadLesson, notDoneYet, type CodeSource } from './lesson-code.ts';

/**
 * The demo programs run for a long time, so a broker that restarts must not end them. The
 * workshop's usual settings give up after about a second, which suits a check; these keep
 * reconnecting, every 2 s at most, for about half a minute. kafkajs retries a connection that
 * many times before a send fails or a consumer restarts. A missing broker is still reported at
 * once: the broker is looked for, with no retries, before any of these clients exists.
 */
export const RIDE_OUT_RESTARTS = { retries: 20, initialRetryTime: 300, maxRetryTime: 2000 } as const;

/** Roughly how long a broker may be gone before the demo programs give up: the pauses between the retries, added up. */
export const RIDE_OUT_SECONDS = Math.round(
  Array.from({ length: RIDE_OUT_RESTARTS.retries }).reduce<number>(
    (total, _, i) => total + Math.min(RIDE_OUT_RESTARTS.initialRetryTime * 2 ** i, RIDE_OUT_RESTARTS.maxRetryTime),
    0,
  ) / 1000,
);

/** Every live program takes --solution: run the reference instead of the learner's lessons. */
const SOLUTION_FLAG = {
  solution: { kind: 'switch', help: 'run the reference code in solutions/ instead of your lessons/' },
} as const;

export interface DemoSpec<S extends FlagSpec> extends CommandSpec<S> {
  /**
   * Where the program's Kafka comes from. 'broker' (the default): the one `npm run check` uses,
   * found or started the same way. 'own': the program brings its own (failover starts a
   * cluster), so none is looked for and `brokers` is empty.
   */
  kafka?: 'broker' | 'own';
}

export interface Demo<S extends FlagSpec> {
  /** The program's options, and --solution. */
  flags: Flags<S & typeof SOLUTION_FLAG>;
  /** The words of the command line that are not options, when the spec allows some. */
  words: string[];
  source: CodeSource;
  /** Imports one of the lesson files the program runs: yours, or the reference with --solution. */
  lesson: <M>(id: string, file: string) => Promise<M>;
  brokers: string[];
  /** kafkajs settings for one client of this program, with a client id Kafka UI can show. */
  connection: (role: string) => KafkaConfig;
  /** Aborted by the first Ctrl+C, a SIGTERM, or the end of the process that started this one: time to stop, commit and report. */
  stop: AbortSignal;
}

/**
 * The frame of every live program in demo/ (simulator, monitor, fraud, offsets, processor,
 * failover, …). A program is one call:
 *
 *   runDemo({ program: 'npm run monitor', about: '…', flags: { topic: { kind: 'topic', help: '…' } } },
 *     async ({ flags, lesson, connection, stop }) => { …; await stopRequested(stop); … });
 *
 * and gets, the same way as the others: its options typed, plus --solution and --help; the
 * broker (found, or started the way `npm run check` does); one loader for lesson code; a
 * graceful stop (see runCli); a line when the broker stops answering, and one when it is back
 * (kafkajs itself waits in silence); and the workshop's error manners: a problem is one line, and an
 * unfinished lesson is reported as the learner's next step, with a non-zero exit.
 */
export function runDemo<S extends FlagSpec>(spec: DemoSpec<S>, main: (demo: Demo<S>) => Promise<number | void>): void {
  const command = { ...spec, flags: { ...spec.flags, ...SOLUTION_FLAG } };
  runCli(
    command,
    async ({ flags, words, stop }) => {
      const { brokers } =
        spec.kafka === 'own' ? { brokers: [] } : await findOrStartBroker('persistent', (line) => console.log(line));
      const clientPrefix = `${spec.program.replace(/^npm run /, '')}-${process.pid}`;
      const source = codeSource(flags.solution);
      const endWatch =
        spec.kafka === 'own'
          ? () => undefined
          : watchBroker(brokers, print, { everyMs: 2000, rideOutSeconds: RIDE_OUT_SECONDS });
      try {
        return await main({
          flags,
          words,
          source,
          lesson: (id, file) => loadLesson(source, id, file),
          brokers,
          connection: (role) => ({ ...kafkaConfig(`${clientPrefix}-${role}`, brokers), retry: RIDE_OUT_RESTARTS }),
          stop,
        });
      } catch (error) {
        const todo = notDoneYet(error);
        throw todo ? new Error(todo) : error;
      } finally {
        endWatch();
      }
    },
    { gracefulStop: true },
  );
}

/** Resolves when the program is asked to stop (Ctrl+C or SIGTERM). */
export function stopRequested(stop: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** The banner line that says whose code is running. */
export function whoseCode(source: CodeSource): string {
  return source === 'solutions' ? '📗 Running the reference code in solutions/' : '🧑‍💻 Running your code in lessons/';
}
