import { describe, expect, test } from 'vitest';
import { parseFlags, usage, UsageError, type FlagSpec } from '../demo/args.ts';
import { notDoneYet } from '../demo/lesson-code.ts';
import { TodoError } from '../workshop/todo.ts';

const spec = {
  rate: { kind: 'positive-number', help: 'transactions per second' },
  count: { kind: 'positive-integer', help: 'how many' },
  seed: { kind: 'integer', help: 'generator seed' },
  topic: { kind: 'topic', help: 'topic name' },
  group: { kind: 'text', help: 'group id' },
  solution: { kind: 'switch', help: 'run the reference' },
} satisfies FlagSpec;

const parse = (...args: string[]) => parseFlags(args, spec, 'npm run demo');
const problem = (...args: string[]) => {
  try {
    parse(...args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parsing ${args.join(' ')} should have failed`);
};

describe('demo flags', () => {
  test('reads --name value, --name=value and switches', () => {
    expect(parse('--rate', '0.5', '--count=20', '--seed', '-3', '--topic', 'my.topic_1', '--group', 'g', '--solution')).toEqual({
      rate: 0.5,
      count: 20,
      seed: -3,
      topic: 'my.topic_1',
      group: 'g',
      solution: true,
    });
    expect(parse()).toEqual({});
  });

  test.each([
    [['--rate', 'fast'], '--rate needs a number greater than 0, got "fast": transactions per second'],
    [['--rate', '0'], '--rate needs a number greater than 0, got "0"'],
    [['--rate', ''], '--rate needs a number greater than 0, got ""'],
    [['--count', '2.5'], '--count needs a whole number greater than 0, got "2.5"'],
    [['--count', '0'], '--count needs a whole number greater than 0, got "0"'],
    [['--seed', 'x'], '--seed needs a whole number, got "x"'],
    [['--topic', 'no spaces'], '--topic needs a topic name made of letters, digits'],
    [['--rate'], '--rate needs a value: transactions per second'],
    [['--rate', '--solution'], '--rate needs a value'],
    [['--solution=yes'], '--solution takes no value'],
    [['--colour', 'red'], 'unknown option --colour: the options are --rate, --count, --seed, --topic, --group, --solution (npm run demo -- --help explains them)'],
    [['fast'], 'unexpected "fast"'],
  ])('%j is one clear line', (args, message) => {
    const text = problem(...args);
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });

  test('--help text lists every option', () => {
    const text = usage('npm run demo', spec);
    expect(text.split('\n')[0]).toBe('Usage: npm run demo -- [options]');
    for (const name of Object.keys(spec)) expect(text).toMatch(new RegExp(`^  --${name} +\\S`, 'm'));
  });
});

describe('an unfinished lesson', () => {
  test('is the next step, in one line, even when kafkajs wrapped it', () => {
    const todo = new TodoError('lesson-03 step 2: subscribe', 'lessons/03-consumer-groups/consumer.ts:42');
    const expected = 'your lessons/03-consumer-groups/consumer.ts is not done yet: lesson-03 step 2: subscribe (line 42) — run with --solution to see the reference';
    expect(notDoneYet(todo)).toBe(expected);
    expect(notDoneYet(new Error('retries exceeded', { cause: new Error('wrapped', { cause: todo }) }))).toBe(expected);
  });

  test('other errors are not mistaken for it', () => {
    expect(notDoneYet(new Error('not done yet'))).toBeUndefined();
    expect(notDoneYet('TodoError')).toBeUndefined();
  });
});
