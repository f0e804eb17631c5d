import type { KafkaConfig } from 'kafkajs';
import { findOrStartBroker } from '../workshop/broker/discover.ts';
import { runCli } from '../workshop/cli/run-cli.ts';
import { kafkaConfig } from '../workshop/config.ts';
import { parseFlags, usage, type FlagSpec, type Flags } from './args.ts';
import { codeSource, notDoneYet, type CodeSource } from './lesson-code.ts';

/** Every demo program takes --solution: run the reference instead of the learner's lessons. */
export const SOLUTION_FLAG = { solution: { kind: 'switch', help: 'run the reference solutions/ instead of your lessons/' } } as const;

export interface Demo<S extends FlagSpec> {
  flags: Flags<S>;
  source: CodeSource;
  brokers: string[];
  /** kafkajs settings for one client of this program, with a client id Kafka UI can show. */
  connection(role: string): KafkaConfig;
  /** Aborted by the first Ctrl+C: time to stop consuming, flush, and report. */
  stop: AbortSignal;
}

/**
 * The frame around each demo program: flags (or --help), the broker (found, or started the way
 * `npm run check` does), and the workshop's error manners. An unfinished lesson is reported as
 * the learner's next step, in one line, with a non-zero exit.
 */
export function runDemo<S extends FlagSpec & typeof SOLUTION_FLAG>(
  program: string,
  spec: S,
  main: (demo: Demo<S>) => Promise<number | void>,
): void {
  runCli(
    async (args, stop) => {
      if (args.includes('--help') || args.includes('-h')) {
        console.log(usage(program, spec));
        return 0;
      }
      const flags = parseFlags(args, spec, program);
      const { brokers } = await findOrStartBroker('persistent', (line) => console.log(line));
      const clientPrefix = `${program.replace(/^npm run /, '')}-${process.pid}`;
      try {
        return await main({
          flags,
          source: codeSource(flags.solution as boolean | undefined),
          brokers,
          connection: (role) => kafkaConfig(`${clientPrefix}-${role}`, brokers),
          stop,
        });
      } catch (error) {
        const todo = notDoneYet(error);
        throw todo ? new Error(todo) : error;
      }
    },
    { gracefulStop: true },
  );
}

/** Resolves when the program is asked to stop (Ctrl+C). */
export function stopRequested(stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
}

/** The banner line that says whose code is running. */
export function whoseCode(source: CodeSource): string {
  return source === 'solutions' ? '📗 Running the reference code in solutions/' : '🧑‍💻 Running your code in lessons/';
}
