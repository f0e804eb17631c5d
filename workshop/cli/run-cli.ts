import { explainGroupProtocolMismatch } from '../kafka/group-protocol.ts';
import { readCommandLine, type CommandSpec, type FlagSpec, type Flags } from './args.ts';

/** Ctrl+C signals closer together than this are one key press, delivered twice. */
const REPEATED_INTERRUPT_MS = 1000;
/** How often a long-running program looks whether the process that started it is still there. */
const PARENT_CHECK_MS = 250;

export interface CliOptions {
  /**
   * For long-running programs (the live demo): the first Ctrl+C, a SIGTERM, or the end of the
   * process that started this one aborts `stop`, so main can finish its work and report; a
   * second Ctrl+C still ends the process at once.
   */
  gracefulStop?: boolean;
  /** The command line, when it is not process.argv after the script's name. */
  argv?: readonly string[];
}

/** What main gets: the command line, read and typed, and the signal to stop. */
export interface Cli<S extends FlagSpec> {
  flags: Flags<S>;
  words: string[];
  /** With gracefulStop: aborted when the program is asked to stop. Otherwise never aborted. */
  stop: AbortSignal;
}

/**
 * Runs a program's main function with the workshop's manners: `--help` prints its usage, a
 * known problem is one clear line (never a stack trace), Ctrl+C ends quietly, and the exit code
 * tells scripts what happened. Set WORKSHOP_DEBUG=1 to see the stack of an unexpected error.
 */
export function runCli<S extends FlagSpec>(
  command: CommandSpec<S>,
  main: (cli: Cli<S>) => Promise<number | void>,
  options: CliOptions = {},
): void {
  // `npm run check | head` closes the pipe early: that is the reader's choice, not a crash
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
  }
  const stop = new AbortController();
  if (options.gracefulStop) stopGracefully(stop);
  else
    process.on('SIGINT', () => {
      process.stderr.write('\nStopped (Ctrl+C).\n');
      process.exit(130);
    });

  const run = async () => {
    const line = readCommandLine(command, options.argv);
    if (line.help !== undefined) {
      console.log(line.help);
      return 0;
    }
    return main({ flags: line.flags, words: line.words, stop: stop.signal });
  };
  run().then(
    (code) => exitAfterOutput(code ?? 0),
    (error: unknown) => {
      process.stderr.write(`❌ ${describeFailure(error)}\n`);
      exitAfterOutput(1);
    },
  );
}

/**
 * The ways a long-running program is asked to stop, all ending in `stop.abort()`:
 * - Ctrl+C (SIGINT); a second one, a moment later, ends the process at once.
 * - SIGTERM, as `docker stop`, systemd and `kill` send it.
 * - The process that started this one went away. `npm run X` starts `sh -c X`, and Debian's
 *   and Ubuntu's sh (dash) neither passes on the SIGTERM that npm forwards to it nor lets it
 *   reach this process: it dies and leaves this one behind. Noticing that is the only way a
 *   SIGTERM sent to npm (by a process manager or a container runtime) can stop the program.
 */
function stopGracefully(stop: AbortController): void {
  let firstInterrupt = 0;
  process.on('SIGINT', () => {
    if (!stop.signal.aborted) {
      firstInterrupt = Date.now();
      return stop.abort();
    }
    // One Ctrl+C can arrive more than once: from the terminal, and relayed by a parent process.
    if (Date.now() - firstInterrupt < REPEATED_INTERRUPT_MS) return;
    process.stderr.write('\nStopped (Ctrl+C).\n');
    process.exit(130);
  });
  process.on('SIGTERM', () => stop.abort());
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) stop.abort();
  }, PARENT_CHECK_MS).unref();
  stop.signal.addEventListener('abort', () => clearInterval(watch), { once: true });
}

/** process.exit can cut off output still queued for a pipe, so exit once stdout has drained. */
function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `unexpected failure: ${String(error)}`;
  if (process.env.WORKSHOP_DEBUG && error.stack) return error.stack;
  return explainGroupProtocolMismatch(error) ?? error.message;
}
