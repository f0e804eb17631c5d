import { waitFor as waitForAnything, type WaitOptions as AnyWaitOptions } from '../../workshop/wait.ts';

/** The checks wait the workshop's one way (workshop/wait.ts), and every wait of theirs names its likely cause. */
export { becomesTrue, within } from '../../workshop/wait.ts';

/** A learner meets this message when the wait gives up: it must say what most likely went wrong. */
export interface WaitOptions extends AnyWaitOptions {
  likelyCause: string | (() => string);
}

/** workshop/wait.ts's waitFor, with the likely cause required. */
export function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, options: WaitOptions): Promise<T> {
  return waitForAnything(probe, options);
}
