// Correct variant: process.once for each signal, with the handler removing every other listener
// itself, so no listener of any signal is left after the first one.
export * from '../../../../solutions/06-reliable-processing/processor.ts';

export function stopOnSignals(
  processor: { stop(): Promise<void> },
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  const removeAll = () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
  };
  for (const signal of signals) {
    const handler = () => {
      removeAll();
      void processor.stop().catch((error: unknown) => {
        process.stderr.write(`could not stop after ${signal}: ${String(error)}\n`);
      });
    };
    handlers.set(signal, handler);
    process.once(signal, handler);
  }
  return removeAll;
}
