/**
 * Runs a CLI's main function with the workshop's manners: a known problem is one clear line
 * (never a stack trace), Ctrl+C ends quietly, and the exit code tells scripts what happened.
 * Set WORKSHOP_DEBUG=1 to see the stack of an unexpected error.
 */
export function runCli(main: (args: string[]) => Promise<number | void>): void {
  // `npm run check | head` closes the pipe early: that is the reader's choice, not a crash
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
  }
  process.once('SIGINT', () => {
    process.stderr.write('\nStopped (Ctrl+C).\n');
    process.exit(130);
  });
  main(process.argv.slice(2)).then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      process.stderr.write(`❌ ${describeFailure(error)}\n`);
      process.exit(1);
    },
  );
}

export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `unexpected failure: ${String(error)}`;
  if (process.env.WORKSHOP_DEBUG && error.stack) return error.stack;
  return error.message;
}
