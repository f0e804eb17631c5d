import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { whenAlone } from '../checks/support/quiet-track.ts';

/** A race starts only once every other test of its file has ended, and two races never overlap. */
const events: string[] = [];
let letOthersEnd!: () => void;
const othersMayEnd = new Promise<void>((resolve) => (letOthersEnd = resolve));
let racesWaiting = 0;

function race(name: string) {
  return async () => {
    events.push(`${name} starts`);
    // a race takes a while: the other one, which looks every 10 ms whether the track is clear, would cut in
    await sleep(30);
    events.push(`${name} ends`);
    return name;
  };
}

describe.concurrent('the quiet track', () => {
  for (const name of ['first check', 'second check']) {
    test(name, async () => {
      await othersMayEnd;
      events.push(`${name} ends`);
    });
  }
  for (const name of ['first race', 'second race']) {
    test(name, async ({ task }) => {
      const raced = whenAlone(task, race(name));
      // both races are waiting before the checks may end: neither may start before them
      if (++racesWaiting === 2) letOthersEnd();
      expect(await raced).toBe(name);
    });
  }
});

afterAll(() => {
  const ended = (name: string) => events.indexOf(`${name} ends`);
  const started = (name: string) => events.indexOf(`${name} starts`);
  const firstRace = Math.min(started('first race'), started('second race'));
  expect(firstRace, events.join(', ')).toBeGreaterThan(Math.max(ended('first check'), ended('second check')));
  const [one, two] = [...events.slice(firstRace)];
  expect([one, two], 'a race runs to its end before the next begins').toEqual([one, one?.replace('starts', 'ends')]);
});

test('a check run outside a vitest test races at once', async () => {
  expect(await whenAlone(undefined, async () => 'raced')).toBe('raced');
});
