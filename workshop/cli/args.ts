import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config.ts';

/**
 * The one command-line reader of the workshop. Every program (check, hint, kafka, bench, the
 * simulator, failover…) declares its options and words in a CommandSpec and gets back typed
 * values, `--help` for free, and one clear line for a mistake that names the valid options.
 * node:util's parseArgs splits the command line; the types and the messages are ours.
 */
export type FlagKind =
  | 'switch'
  | 'text'
  | 'topic'
  | 'positive-number'
  | 'non-negative-number'
  | 'fraction'
  | 'positive-integer'
  | 'whole-number'
  | 'integer';

export interface FlagDef {
  kind: FlagKind;
  help: string;
  /** The only values allowed, as typed ("json", "avro"; "1", "3"). */
  choices?: readonly string[];
}
export type FlagSpec = Record<string, FlagDef>;
type FlagValue<K extends FlagKind> = K extends 'switch' ? boolean : K extends 'text' | 'topic' ? string : number;
/** What the program gets: each option it was given, typed; absent ones are undefined. */
export type Flags<S extends FlagSpec> = { [Name in keyof S]?: FlagValue<S[Name]['kind']> };

export interface CommandSpec<S extends FlagSpec = FlagSpec> {
  /** How a learner starts it: "npm run simulator". The words after "npm run" name the npm script. */
  program: string;
  /** One or two sentences for --help: what it does. */
  about: string;
  flags: S;
  /** The words that are not options, such as a lesson or a bench section. None when absent. */
  words?: {
    /** How --help shows them: "[lesson-NN]", "lag | reset | replay". */
    usage: string;
    /** What one of them is called in a message: "lesson", "section". */
    name: string;
    max: number;
    choices?: readonly string[];
  };
}

export type CommandLine<S extends FlagSpec> = { help: string } | { help?: undefined; flags: Flags<S>; words: string[] };

const KINDS: Record<
  Exclude<FlagKind, 'switch'>,
  { needs: string; placeholder: string; read(text: string): unknown }
> = {
  text: { needs: 'a non-empty value', placeholder: 'TEXT', read: (text) => (text.trim() === '' ? undefined : text) },
  // Kafka's own rule for topic names: checked here so the broker never has to refuse one
  topic: {
    needs: 'a topic name made of letters, digits, ".", "_" and "-"',
    placeholder: 'TOPIC',
    read: (text) => (/^[A-Za-z0-9._-]{1,249}$/.test(text) ? text : undefined),
  },
  'positive-number': { needs: 'a number greater than 0', placeholder: 'N', read: number((n) => n > 0) },
  'non-negative-number': { needs: 'a number, 0 or more', placeholder: 'N', read: number((n) => n >= 0) },
  fraction: {
    needs: 'a number from 0 up to, not including, 1',
    placeholder: 'F',
    read: number((n) => n >= 0 && n < 1),
  },
  'positive-integer': { needs: 'a whole number greater than 0', placeholder: 'N', read: whole((n) => n > 0) },
  'whole-number': { needs: 'a whole number, 0 or more', placeholder: 'N', read: whole((n) => n >= 0) },
  integer: { needs: 'a whole number', placeholder: 'N', read: whole(() => true) },
};

function number(ok: (n: number) => boolean) {
  return (text: string) => {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) && ok(n) ? n : undefined;
  };
}

function whole(ok: (n: number) => boolean) {
  return (text: string) => {
    const n = Number(text);
    return /^-?\d+$/.test(text) && Number.isSafeInteger(n) && ok(n) ? n : undefined;
  };
}

/**
 * Reads `argv` against `spec`: `--name value`, `--name=value`, switches, and the words around
 * them. `--help` (or `-h`) anywhere returns the help text instead. A mistake throws a
 * ConfigError whose message is one line.
 *
 * `env` supplies npm's fallbacks: PowerShell's npm.ps1 (Node 20) swallows the first `--`, so
 * `npm run check lesson-01 -- --solution` reaches npm as `--solution`, which npm keeps as its
 * own setting and hands to the script as npm_config_solution=true. For the script the learner
 * ran (npm_lifecycle_event), such a setting counts as the option when the command line lacks it.
 */
export function readCommandLine<S extends FlagSpec>(
  spec: CommandSpec<S>,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): CommandLine<S> {
  const { tokens } = parseArgs({
    // a stray `--` (PowerShell users are told to type two) separates nothing here: every word is read
    args: argv.filter((arg) => arg !== '--'),
    options: {
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(
        Object.entries(spec.flags).map(([name, flag]) => [
          name,
          { type: flag.kind === 'switch' ? 'boolean' : 'string' },
        ]),
      ),
    } satisfies ParseArgsConfig['options'],
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) return { help: helpText(spec) };

  const flags: Record<string, unknown> = {};
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') words.push(token.value);
    if (token.kind !== 'option') continue;
    const flag = Object.hasOwn(spec.flags, token.name) ? spec.flags[token.name] : undefined;
    if (!flag) throw new ConfigError(`unknown option ${token.rawName}: ${optionList(spec)}`);
    if (flag.kind === 'switch') {
      if (token.value !== undefined) throw new ConfigError(`--${token.name} takes no value: ${flag.help}`);
      flags[token.name] = true;
      continue;
    }
    // parseArgs takes the next word as the value even when it is the next option (`--rate --solution`)
    const value = token.value;
    const negativeNumber = value !== undefined && /^-\d/.test(value);
    if (value === undefined || (!token.inlineValue && value.startsWith('-') && !negativeNumber))
      throw new ConfigError(`--${token.name} needs a value: ${flag.help}`);
    flags[token.name] = readValue(token.name, flag, value);
  }
  for (const [name, value] of Object.entries(npmFallbacks(spec, env)))
    if (!(name in flags)) flags[name] = readValue(name, spec.flags[name]!, value);
  checkWords(spec, words);
  return { flags: flags as Flags<S>, words };
}

function readValue(name: string, flag: FlagDef, text: string): unknown {
  if (flag.kind === 'switch') return true;
  if (flag.choices && !flag.choices.includes(text))
    throw new ConfigError(`--${name} needs ${flag.choices.join(' or ')}, got "${text}": ${flag.help}`);
  const kind = KINDS[flag.kind];
  const value = kind.read(text);
  if (value === undefined) throw new ConfigError(`--${name} needs ${kind.needs}, got "${text}": ${flag.help}`);
  return value;
}

/** The options that npm kept as its own settings (see readCommandLine), as text. */
function npmFallbacks(spec: CommandSpec, env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.npm_lifecycle_event === undefined || env.npm_lifecycle_event !== scriptName(spec)) return {};
  const found: Record<string, string> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    const value = env[`npm_config_${name.replaceAll('-', '_')}`];
    if (value === undefined || value === '' || value === 'false') continue;
    if (flag.kind !== 'switch' && value === 'true') {
      // npm reads `--rate 5` as a switch and passes the 5 on as a word: the value is lost
      throw new ConfigError(
        `npm kept --${name} for itself, so its value did not arrive: write --${name}=VALUE, or put -- before the options (in PowerShell, -- --)`,
      );
    }
    found[name] = value;
  }
  return found;
}

function checkWords(spec: CommandSpec, words: readonly string[]): void {
  const allowed = spec.words;
  if (!allowed) {
    if (words.length > 0) throw new ConfigError(`unexpected "${words[0]}": ${optionList(spec)}`);
    return;
  }
  const unknown = allowed.choices && words.find((word) => !allowed.choices!.includes(word));
  if (unknown)
    throw new ConfigError(`unknown ${allowed.name} "${unknown}": choose from ${allowed.choices!.join(', ')}`);
  if (words.length > allowed.max) {
    throw new ConfigError(
      allowed.max === 1
        ? `one ${allowed.name} at a time, please: got "${words[0]}" and "${words[1]}"`
        : `at most ${allowed.max} ${allowed.name}s, got ${words.length}: ${words.join(' ')}`,
    );
  }
}

function scriptName(spec: CommandSpec): string {
  return spec.program.replace(/^npm run /, '');
}

function optionList(spec: CommandSpec): string {
  const names = [...Object.keys(spec.flags), 'help'].map((name) => `--${name}`);
  return `the options are ${names.join(', ')} (${spec.program} -- --help explains them)`;
}

/** The --help text: usage, what it does, one line per option. */
export function helpText(spec: CommandSpec): string {
  const options = Object.entries(spec.flags).map(([name, flag]) => {
    const value = flag.kind === 'switch' ? '' : ` ${flag.choices?.join('|') ?? KINDS[flag.kind].placeholder}`;
    return [`--${name}${value}`, flag.help];
  });
  options.push(['--help', 'show this help']);
  const width = Math.max(...options.map(([left]) => left!.length)) + 2;
  const words = spec.words ? ` ${spec.words.usage}` : '';
  return [
    `Usage: ${spec.program}${words} -- [options]`,
    '',
    spec.about,
    '',
    'Options:',
    ...options.map(([left, help]) => `  ${left!.padEnd(width)}${help}`),
  ].join('\n');
}
