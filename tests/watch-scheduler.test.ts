import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createRunScheduler } from '../workshop/watch/scheduler.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A run that stays going until the test lets it finish, so overlaps would be visible. */
function controlledRuns() {
  const finishers: Array<() => void> = [];
  let active = 0;
  let mostAtOnce = 0;
  const run = vi.fn(async () => {
    active++;
    mostAtOnce = Math.max(mostAtOnce, active);
    await new Promise<void>((resolve) => finishers.push(resolve));
    active--;
  });
  const finishOne = async () => {
    finishers.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { run, finishOne, mostAtOnce: () => mostAtOnce };
}

test('a burst of saves makes one run, after the burst is quiet', async () => {
  const { run, finishOne } = controlledRuns();
  const scheduler = createRunScheduler(run, 200, () => undefined);
  for (let i = 0; i < 5; i++) {
    scheduler.trigger();
    await vi.advanceTimersByTimeAsync(50);
  }
  expect(run).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(200);
  expect(run).toHaveBeenCalledTimes(1);
  await finishOne();
  await scheduler.idle();
});

test('saves during a run make exactly one more run, never two at once', async () => {
  const { run, finishOne, mostAtOnce } = controlledRuns();
  const scheduler = createRunScheduler(run, 100, () => undefined);
  scheduler.runNow();
  expect(run).toHaveBeenCalledTimes(1);
  for (let i = 0; i < 3; i++) {
    scheduler.trigger();
    await vi.advanceTimersByTimeAsync(150);
  }
  scheduler.runNow();
  expect(run, 'still one: the first run is going').toHaveBeenCalledTimes(1);
  await finishOne();
  expect(run).toHaveBeenCalledTimes(2);
  await finishOne();
  await scheduler.idle();
  expect(run).toHaveBeenCalledTimes(2);
  expect(mostAtOnce()).toBe(1);
});

test('a failing run is reported and the next save runs again', async () => {
  const errors: unknown[] = [];
  const run = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(undefined);
  const scheduler = createRunScheduler(run, 10, (error) => errors.push(error));
  scheduler.runNow();
  await scheduler.idle();
  expect(errors).toEqual([new Error('boom')]);
  scheduler.trigger();
  await vi.advanceTimersByTimeAsync(10);
  await scheduler.idle();
  expect(run).toHaveBeenCalledTimes(2);
});

test('after stop, saves run nothing', async () => {
  const run = vi.fn(async () => undefined);
  const scheduler = createRunScheduler(run, 10, () => undefined);
  scheduler.trigger();
  scheduler.stop();
  scheduler.trigger();
  scheduler.runNow();
  await vi.advanceTimersByTimeAsync(100);
  await scheduler.idle();
  expect(run).not.toHaveBeenCalled();
});
