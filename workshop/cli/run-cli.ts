/** Ctrl+C signals closer together than this are one key press, delivered twice. */
const REPEATED_INTERRUPT_MS = 1000;

export interface CliOptions {
  /**
   * For long-running programs (the demo): the first Ctrl+C aborts the signal handed to main,
   * so it can finish its work and report; a second Ctrl+C still ends the process at once.
   */
  gracefulStop?: boolean;
}

/**
 * Runs a CLI's main function with the workshop's manners: a known problem is one clear line
 * (never a stack trace), Ctrl+C ends quietly, and the exit code tells scripts what happened.
 * Set WORKSHOP_DEBUG=1 to see the stack of an unexpected error.
 */
export function runCli(main: (args: string[], interrupted: AbortSignal) => Promise<number | void>, options: CliOptions = {}): void {
  // `npm run check | head` closes the pipe early: that is the reader's choice, not a crash
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
  }
  const interrupt = new AbortController();
  let firstInterrupt = 0;
  process.on('SIGINT', () => {
    if (options.gracefulStop) {
      if (!interrupt.signal.aborted) {
        firstInterrupt = Date.now();
        return interrupt.abort();
      }
      // One Ctrl+C can arrive more than once: from the terminal and relayed by npm or tsx.
      if (Date.now() - firstInterrupt < REPEATED_INTERRUPT_MS) return;
    }
    process.stderr.write('\nStopped (Ctrl+C).\n');
    process.exit(130);
  });
  main(process.argv.slice(2), interrupt.signal).then(
    (code) => exitAfterOutput(code ?? 0),
    (error: unknown) => {
      process.stderr.write(`❌ ${describeFailure(error)}\n`);
      exitAfterOutput(1);
    },
  );
}

/** process.exit can cut off output still queued for a pipe, so exit once stdout has drained. */
function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `unexpected failure: ${String(error)}`;
  if (process.env.WORKSHOP_DEBUG && error.stack) return error.stack;
  return error.message;
}
