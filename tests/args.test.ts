import { describe, expect, test } from 'vitest';
import { notDoneYet } from '../demo/lesson-code.ts';
import { helpText, readCommandLine, type CommandSpec } from '../workshop/cli/args.ts';
import { ConfigError } from '../workshop/config.ts';
import { TodoError } from '../workshop/todo.ts';

const spec = {
  program: 'npm run demo',
  about: 'A program for this test.',
  flags: {
    rate: { kind: 'positive-number', help: 'transactions per second' },
    count: { kind: 'positive-integer', help: 'how many' },
    seed: { kind: 'integer', help: 'generator seed' },
    topic: { kind: 'topic', help: 'topic name' },
    group: { kind: 'text', help: 'group id' },
    'fail-rate': { kind: 'fraction', help: 'how often it fails' },
    poison: { kind: 'whole-number', help: 'poison pills' },
    format: { kind: 'text', choices: ['json', 'avro'], help: 'the encoding' },
    solution: { kind: 'switch', help: 'run the reference' },
  },
} as const satisfies CommandSpec;

const withWords = {
  program: 'npm run check',
  about: 'Checks a lesson.',
  flags: { solution: { kind: 'switch', help: 'check the reference' } },
  words: { usage: '[lesson-NN]', name: 'lesson', max: 1 },
} as const satisfies CommandSpec;

/** Outside npm: no npm_config_* fallbacks apply. */
const read = <S extends CommandSpec>(command: S, ...argv: string[]) => readCommandLine(command, argv, {});
const parse = (...argv: string[]) => {
  const line = read(spec, ...argv);
  if (line.help !== undefined) throw new Error('help was not asked for');
  return line.flags;
};
const problem = (command: CommandSpec, argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    readCommandLine(command, argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`reading ${argv.join(' ')} should have failed`);
};

describe('options', () => {
  test('reads --name value, --name=value, switches and negative numbers, typed', () => {
    expect(
      parse('--rate', '0.5', '--count=20', '--seed', '-3', '--topic', 'my.topic_1', '--group', 'g', '--solution'),
    ).toEqual({ rate: 0.5, count: 20, seed: -3, topic: 'my.topic_1', group: 'g', solution: true });
    expect(parse('--fail-rate', '0', '--poison', '0', '--format', 'avro')).toEqual({
      'fail-rate': 0,
      poison: 0,
      format: 'avro',
    });
    expect(parse()).toEqual({});
  });

  test('a stray -- (what PowerShell users type twice) changes nothing', () => {
    expect(parse('--', '--solution')).toEqual({ solution: true });
    expect(read(withWords, 'lesson-01', '--', '--', '--solution')).toEqual({
      flags: { solution: true },
      words: ['lesson-01'],
    });
  });

  test.each([
    [['--rate', 'fast'], '--rate needs a number greater than 0, got "fast": transactions per second'],
    [['--rate', '0'], '--rate needs a number greater than 0, got "0"'],
    [['--rate='], '--rate needs a number greater than 0, got ""'],
    [['--count', '2.5'], '--count needs a whole number greater than 0, got "2.5"'],
    [['--count', '0'], '--count needs a whole number greater than 0, got "0"'],
    [['--seed', 'x'], '--seed needs a whole number, got "x"'],
    [['--topic', 'no spaces'], '--topic needs a topic name made of letters, digits'],
    [['--fail-rate', '1'], '--fail-rate needs a number from 0 up to, not including, 1, got "1"'],
    [['--poison', '-1'], '--poison needs a whole number, 0 or more, got "-1"'],
    [['--format', 'xml'], '--format needs json or avro, got "xml": the encoding'],
    [['--rate'], '--rate needs a value: transactions per second'],
    [['--rate', '--solution'], '--rate needs a value'],
    [['--solution=yes'], '--solution takes no value'],
    [
      ['--colour', 'red'],
      'unknown option --colour: the options are --rate, --count, --seed, --topic, --group, --fail-rate, --poison, --format, --solution, --help (npm run demo -- --help explains them)',
    ],
    [['-x'], 'unknown option -x: the options are'],
    [['fast'], 'unexpected "fast": the options are'],
  ])('%j is one clear line', (argv, message) => {
    const text = problem(spec, argv);
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });
});

describe('words', () => {
  test('as many as allowed, from the choices when there are some', () => {
    expect(read(withWords, 'lesson-03', '--solution')).toEqual({ flags: { solution: true }, words: ['lesson-03'] });
    expect(read(withWords)).toEqual({ flags: {}, words: [] });
    expect(problem(withWords, ['lesson-01', 'lesson-02'])).toBe(
      'one lesson at a time, please: got "lesson-01" and "lesson-02"',
    );
    const sections = { ...withWords, words: { usage: '[a | b]', name: 'section', max: 2, choices: ['a', 'b'] } };
    expect(read(sections, 'b', 'a')).toEqual({ flags: {}, words: ['b', 'a'] });
    expect(problem(sections, ['c'])).toBe('unknown section "c": choose from a, b');
  });
});

describe('--help', () => {
  test('answers --help and -h anywhere, even next to a mistake', () => {
    for (const argv of [['--help'], ['-h'], ['--rate', 'fast', '--help'], ['--bogus', '-h']])
      expect(read(spec, ...argv)).toEqual({ help: helpText(spec) });
  });

  test('shows the usage, what the program does and one line per option', () => {
    const lines = helpText(spec).split('\n');
    expect(lines.slice(0, 3)).toEqual(['Usage: npm run demo -- [options]', '', 'A program for this test.']);
    for (const name of [...Object.keys(spec.flags), 'help'])
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  --${name}\\b.* \\S`)));
    expect(lines).toContain('  --format json|avro  the encoding');
    expect(helpText(withWords).split('\n')[0]).toBe('Usage: npm run check [lesson-NN] -- [options]');
  });
});

describe("npm's own settings, for PowerShell, whose npm.ps1 swallows the first --", () => {
  // `npm run check lesson-01 -- --solution` in PowerShell reaches npm as `run check lesson-01 --solution`
  const underNpm = (script: string, settings: Record<string, string>) => ({
    npm_lifecycle_event: script,
    npm_config_yes: '', // npm hands some of its settings on empty
    ...settings,
  });

  test('an option npm kept as its own setting counts for the script it ran', () => {
    expect(readCommandLine(withWords, ['lesson-01'], underNpm('check', { npm_config_solution: 'true' }))).toEqual({
      flags: { solution: true },
      words: ['lesson-01'],
    });
    expect(
      readCommandLine(spec, [], underNpm('demo', { npm_config_stats_every: '3', npm_config_fail_rate: '0.5' })),
    ).toEqual({ flags: { 'fail-rate': 0.5 }, words: [] });
    expect(readCommandLine(spec, ['--rate', '2'], underNpm('demo', { npm_config_rate: '7' }))).toEqual({
      flags: { rate: 2 },
      words: [],
    });
  });

  test('is checked like the command line', () => {
    expect(problem(spec, [], underNpm('demo', { npm_config_rate: 'fast' }))).toBe(
      '--rate needs a number greater than 0, got "fast": transactions per second',
    );
  });

  test('a value npm took for a switch is named, with the forms that work', () => {
    // npm reads `--rate 5` as the switch rate=true, and passes 5 on as a word
    expect(problem(spec, ['5'], underNpm('demo', { npm_config_rate: 'true' }))).toBe(
      'npm kept --rate for itself, so its value did not arrive: write --rate=VALUE, or put -- before the options (in PowerShell, -- --)',
    );
  });

  test('only for the script npm ran: a program started by another one ignores them', () => {
    expect(readCommandLine(withWords, [], underNpm('test', { npm_config_solution: 'true' }))).toEqual({
      flags: {},
      words: [],
    });
    expect(readCommandLine(withWords, [], { npm_config_solution: 'true' })).toEqual({ flags: {}, words: [] });
  });
});

describe('an unfinished lesson', () => {
  test('is the next step, in one line, even when kafkajs wrapped it', () => {
    const todo = new TodoError('lesson-03 step 2: subscribe', 'lessons/03-consumer-groups/consumer.ts:42');
    const expected =
      'your lessons/03-consumer-groups/consumer.ts is not done yet: lesson-03 step 2: subscribe (line 42) — run with --solution to see the reference';
    expect(notDoneYet(todo)).toBe(expected);
    expect(notDoneYet(new Error('retries exceeded', { cause: new Error('wrapped', { cause: todo }) }))).toBe(expected);
  });

  test('other errors are not mistaken for it', () => {
    expect(notDoneYet(new Error('not done yet'))).toBeUndefined();
    expect(notDoneYet('TodoError')).toBeUndefined();
  });
});
