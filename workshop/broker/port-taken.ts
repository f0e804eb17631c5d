import fs from 'node:fs';

/** A port drawn a moment ago can still be bound by another program before a JVM (broker or registry) binds it. */
export class PortTakenError extends Error {
  constructor(readonly original: unknown) {
    super('a port was taken before the program bound it');
  }
}

/** After a start that failed: cleans up, and turns the error into PortTakenError when a log says a port was taken. */
export async function cleanUpAfterFailedStart(
  error: unknown,
  logFiles: readonly string[],
  cleanUp: () => Promise<void>,
): Promise<never> {
  const taken = portTakenIn(logFiles);
  await cleanUp();
  throw taken ? new PortTakenError(error) : error;
}

/** Kafka's words for it, and Quarkus's (the schema registry's). */
const PORT_TAKEN = /java\.net\.BindException|seems to be in use by another process/;

function portTakenIn(logFiles: readonly string[]): boolean {
  return logFiles.some((file) => {
    try {
      return PORT_TAKEN.test(fs.readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
  });
}

/** Then it starts again from scratch, on newly drawn ports; after the third time, the program's own error. */
export async function againOnNewPortsIfTaken<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      if (attempt === attempts) throw error.original;
    }
  }
}
