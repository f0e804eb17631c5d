/**
 * How long `docker info` may take before Docker counts as absent. An engine that is not there
 * fails at once (nothing listens on its socket or pipe), so the bound only matters for one that
 * is there but slow: Docker Desktop on Windows and macOS runs the engine in a VM and often needs
 * several seconds to answer, more while it is still starting.
 */
export function dockerInfoTimeoutMs(platform: NodeJS.Platform = process.platform): number {
  return platform === 'win32' || platform === 'darwin' ? 20_000 : 5_000;
}

/** What the learner reads when Docker took too long: it is not silently treated as missing. */
export function dockerTimeoutMessage(timeoutMs: number): string {
  return (
    `Docker did not answer "docker info" within ${timeoutMs / 1000} s, so it counts as not running this time. ` +
    'If Docker Desktop is still starting, wait until it says it is running, then run the command again.'
  );
}
