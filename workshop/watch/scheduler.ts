export interface RunScheduler {
  /** A file was saved: run once the burst of saves is over. */
  trigger(): void;
  /** Run as soon as possible (the `r` key, the first run, the next lesson). */
  runNow(): void;
  /** Resolves when no run is waiting or going. */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * One run per burst of saves, and never two runs at once: saves within `debounceMs` of each
 * other make one run; a save during a run makes exactly one more run after it.
 */
export function createRunScheduler(
  run: () => Promise<void>,
  debounceMs: number,
  onError: (error: unknown) => void,
): RunScheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let waiters: Array<() => void> = [];

  const settle = () => {
    if (timer || running || again) return;
    const done = waiters;
    waiters = [];
    done.forEach((resolve) => resolve());
  };

  const fire = () => {
    timer = undefined;
    if (stopped) return settle();
    if (running) {
      again = true;
      return;
    }
    running = run()
      .catch(onError)
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          fire();
        } else {
          again = false;
          settle();
        }
      });
  };

  return {
    trigger() {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(fire, debounceMs);
    },
    runNow() {
      if (stopped) return;
      clearTimeout(timer);
      fire();
    },
    idle() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      again = false;
      settle();
    },
  };
}
