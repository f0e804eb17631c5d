import { CheckContext } from '../../../checks/support/context.ts';
import { DemoProcess, type DemoProgram, type LaunchOptions } from '../../../workshop/demo-process.ts';

export interface DemoRun {
  /** Fresh names, the broker, an admin, a reader; whatever it creates is deleted after the test. */
  ctx: CheckContext;
  /** A topic name nobody has used, for a program to create; deleted after the test too. */
  topicName: (label: string) => string;
  /** Starts demo/<program>.ts as a child process, with --solution unless told otherwise. */
  start: (
    program: DemoProgram,
    args: Array<string | number>,
    options?: { solution?: boolean; launch?: LaunchOptions },
  ) => DemoProcess;
}

/**
 * One test's share of the demo: its own names (tests run side by side) and its own children,
 * all stopped when the test ends, pass or fail. `brokers` defaults to the test run's broker.
 */
export function demoRun(onTestFinished: (cleanup: () => Promise<void>) => void, brokers?: string[]): DemoRun {
  const ctx = new CheckContext('demo-e2e', brokers);
  const children: DemoProcess[] = [];
  onTestFinished(async () => {
    children.forEach((child) => child.kill());
    await ctx.close();
  });
  return {
    ctx,
    topicName: (label) => ctx.ownTopic(ctx.name(label)),
    start(program, args, options = {}) {
      const child = new DemoProcess(
        program,
        [...args.map(String), ...(options.solution === false ? [] : ['--solution'])],
        ctx.brokers,
        options.launch,
      );
      children.push(child);
      return child;
    },
  };
}
