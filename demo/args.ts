/**
 * The demo programs' command-line flags. A mistake is one line that names the flag, what it
 * needs and what it got, so `npm run simulator -- --rate fast` never starts with a bad value.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type FlagKind = 'switch' | 'text' | 'topic' | 'positive-number' | 'positive-integer' | 'integer';
type FlagValue<K extends FlagKind> = K extends 'switch' ? boolean : K extends 'text' | 'topic' ? string : number;
export type FlagSpec = Record<string, { kind: FlagKind; help: string }>;
export type Flags<S extends FlagSpec> = { [Name in keyof S]?: FlagValue<S[Name]['kind']> };

/** Parses `--name value` and `--name=value`; `program` is how the learner runs it, for the messages. */
export function parseFlags<S extends FlagSpec>(args: readonly string[], spec: S, program: string): Flags<S> {
  const flags: Record<string, boolean | string | number> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected "${arg}": ${optionList(spec, program)}`);
    const name = match[1]!;
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown option --${name}: ${optionList(spec, program)}`);
    if (flag.kind === 'switch') {
      if (match[2] !== undefined) throw new UsageError(`--${name} takes no value: ${flag.help}`);
      flags[name] = true;
      continue;
    }
    const value = match[2] ?? args[++i];
    if (value === undefined || (match[2] === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value: ${flag.help}`);
    }
    flags[name] = convert(name, flag.kind, value, flag.help);
  }
  return flags as Flags<S>;
}

function convert(name: string, kind: Exclude<FlagKind, 'switch'>, value: string, help: string): string | number {
  const problem = (needs: string) => new UsageError(`--${name} needs ${needs}, got "${value}": ${help}`);
  switch (kind) {
    case 'text':
      if (value.trim() === '') throw problem('a non-empty value');
      return value;
    case 'topic':
      // Kafka's own rule for topic names; checked here so the broker never has to refuse it
      if (!/^[A-Za-z0-9._-]{1,249}$/.test(value)) throw problem('a topic name made of letters, digits, ".", "_" and "-"');
      return value;
    case 'positive-number': {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number) || number <= 0) throw problem('a number greater than 0');
      return number;
    }
    case 'positive-integer': {
      const number = Number(value);
      if (!/^\d+$/.test(value) || number < 1 || !Number.isSafeInteger(number)) throw problem('a whole number greater than 0');
      return number;
    }
    case 'integer': {
      const number = Number(value);
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number)) throw problem('a whole number');
      return number;
    }
  }
}

function optionList(spec: FlagSpec, program: string): string {
  const names = Object.keys(spec).map((name) => `--${name}`);
  return `the options are ${names.join(', ')} (${program} -- --help explains them)`;
}

/** The help text: one line per option. */
export function usage(program: string, spec: FlagSpec): string {
  const width = Math.max(...Object.keys(spec).map((name) => name.length)) + 2;
  return [`Usage: ${program} -- [options]`, ...Object.entries(spec).map(([name, flag]) => `  --${name.padEnd(width)} ${flag.help}`)].join('\n');
}
