import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config.ts';
import { PROJECT_ROOT } from '../paths.ts';

/**
 * The "try it live" programs run the learner's own lesson file, or the reference with
 * --solution. Both export the same names, so the program does not care which it gets.
 */
export async function loadLessonFile<M>(slug: string, file: string, solution: boolean): Promise<M> {
  const folder = solution ? 'solutions' : 'lessons';
  const full = path.join(PROJECT_ROOT, folder, slug, file);
  if (!fs.existsSync(full)) throw new ConfigError(`${folder}/${slug}/${file} is missing: restore it with npm run reset, or add --solution`);
  return (await import(pathToFileURL(full).href)) as M;
}

/** `--name value` flags with defaults; a flag nobody asked for is one clear line. */
export function parseFlags<K extends string>(args: readonly string[], defaults: Record<K, string | undefined>, switches: readonly string[], usage: string) {
  const values: Record<string, string | undefined> = { ...defaults };
  const on = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.replace(/^--/, '');
    if (!args[i]!.startsWith('--')) throw new ConfigError(`unexpected "${args[i]}": ${usage}`);
    if (switches.includes(name)) on.add(name);
    else if (name in defaults && args[i + 1] !== undefined) values[name] = args[++i];
    else throw new ConfigError(`unknown or incomplete option "${args[i]}": ${usage}`);
  }
  return { values: values as Record<K, string | undefined>, on };
}

/** "5" → five minutes ago, in milliseconds since 1970. */
export function minutesAgo(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const minutes = Number(text);
  if (!Number.isFinite(minutes) || minutes < 0) throw new ConfigError(`${flag} takes a number of minutes, not "${text}"`);
  return Date.now() - minutes * 60_000;
}
