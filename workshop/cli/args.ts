import { ConfigError } from '../config.ts';

export interface LessonArgs {
  lesson?: string;
  flags: Set<string>;
}

/** `[lesson-NN] [--flag …]`: at most one lesson, and only the flags the command knows. */
export function parseLessonArgs(args: readonly string[], knownFlags: readonly string[], usage: string): LessonArgs {
  const parsed: LessonArgs = { flags: new Set() };
  for (const arg of args) {
    if (arg.startsWith('-')) {
      if (!knownFlags.includes(arg)) throw new ConfigError(`unknown option "${arg}": use ${usage}`);
      parsed.flags.add(arg);
    } else if (parsed.lesson) throw new ConfigError(`one lesson at a time, please: got "${parsed.lesson}" and "${arg}"`);
    else parsed.lesson = arg;
  }
  return parsed;
}
