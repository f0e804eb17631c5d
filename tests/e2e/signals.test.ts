import { describe, expect, test } from 'vitest';
import { generateTransactions } from '../../bank/generator.ts';
import { sendTransactions } from '../../checks/support/produce.ts';
import type { DemoProcess, Exit, LaunchOptions } from '../../workshop/demo-process.ts';
import { demoRun } from './support/demo-run.ts';
import { finalStatisticsBlock, printedTransactions } from './support/monitor-output.ts';

/**
 * A stop request sent to the process that `npm run monitor` started, as a process manager, a
 * container runtime or a terminal sends it. npm 11 forwards SIGINT and SIGTERM to its child,
 * `sh -c "node workshop/cli/launch.mjs demo/monitor.ts …"`. What happens next depends on that shell:
 * - bash and zsh (macOS's /bin/sh is bash) replace themselves with the command, so npm's child
 *   is the monitor itself: both signals reach it, and npm exits with its code, 0.
 * - dash (Debian's and Ubuntu's /bin/sh) keeps running as the monitor's parent. It dies on
 *   SIGTERM, leaving the monitor behind: the monitor notices its parent is gone and stops as
 *   if it had the signal; npm passes the shell's end on and ends by SIGTERM itself. dash holds
 *   a SIGINT until its child exits, so a SIGINT sent to npm alone cannot reach the program
 *   there; a terminal's Ctrl+C reaches every process of the group, the program included.
 * In every case the monitor commits what it processed and prints its final lines.
 */
const COUNT = 30;

async function monitorThroughNpm(onTestFinished: (cleanup: () => Promise<void>) => void, launch: LaunchOptions) {
  const { ctx, start } = demoRun(onTestFinished);
  const topic = await ctx.createTopic('signals', 3);
  const group = ctx.name('signals-group');
  await sendTransactions(ctx, topic, generateTransactions(COUNT, { seed: 77 }), 3);
  const monitor = start('monitor', ['--topic', topic, '--group', group], { launch: { via: 'npm', ...launch } });
  await monitor.waitForLine(new RegExp(`^\\[\\s*${COUNT}\\] Account`), 30_000);
  return { ctx, topic, group, monitor };
}

/** The graceful stop, seen from outside: the final lines, and every processed transaction committed. */
async function expectGracefulStop(
  { ctx, topic, group, monitor }: Awaited<ReturnType<typeof monitorThroughNpm>>,
  exit: Exit,
): Promise<void> {
  expect(monitor.matching(/^👋 Processed 30 transactions\. Run it again/), monitor.describe()).toHaveLength(1);
  expect(finalStatisticsBlock(monitor).join('\n')).toContain('Total Transactions: 30');
  expect(monitor.stderr, monitor.describe()).toBe('');
  expect(printedTransactions(monitor)).toHaveLength(COUNT);
  const committed = [...(await ctx.committedOffsets(group, topic)).values()].reduce((sum, n) => sum + n, 0);
  expect(committed, 'offsets committed by the stop').toBe(COUNT);
  console.log(`[measured] ${describeLaunch(monitor)}: npm ended with ${JSON.stringify(exit)}, ${committed} committed`);
}

/**
 * npm's own end: 0 where the shell replaced itself with the program, which exited 0; the signal,
 * passed on by npm, where the shell kept running (dash) and then ended by that signal.
 */
const exitOrPassedOn = (exit: Exit, signal: NodeJS.Signals) =>
  (exit.code === 0 && exit.signal === null) || (exit.code === null && exit.signal === signal);

const describeLaunch = (monitor: DemoProcess) =>
  `npm ${[...(monitor.launch.npmOptions ?? []), 'run monitor'].join(' ')}`;

describe.concurrent('a stop request sent to npm reaches the program', () => {
  test('SIGTERM to npm run monitor (the default shell): a graceful stop', async ({ onTestFinished }) => {
    const run = await monitorThroughNpm(onTestFinished, {});
    const exit = await run.monitor.interrupt(30_000, 'SIGTERM');
    expect(exitOrPassedOn(exit, 'SIGTERM'), JSON.stringify(exit)).toBe(true);
    await expectGracefulStop(run, exit);
  });

  test('Ctrl+C in a terminal (SIGINT to npm, its shell and the program): a graceful stop', async ({
    onTestFinished,
  }) => {
    const run = await monitorThroughNpm(onTestFinished, {});
    const exit = await run.monitor.pressCtrlC(30_000);
    expect(exitOrPassedOn(exit, 'SIGINT'), JSON.stringify(exit)).toBe(true);
    await expectGracefulStop(run, exit);
  });

  test.for(['SIGINT', 'SIGTERM'] as const)(
    '%s to npm, with a shell that replaces itself (bash, as on macOS): a graceful stop, exit 0',
    async (signal, { onTestFinished }) => {
      const run = await monitorThroughNpm(onTestFinished, { npmOptions: ['--script-shell=bash'] });
      const exit = await run.monitor.interrupt(30_000, signal);
      expect(exit).toEqual({ code: 0, signal: null });
      await expectGracefulStop(run, exit);
    },
  );
});
