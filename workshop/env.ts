import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

/** A line of .env that is not KEY=value; the CLI prints the message as one line. */
export class DotEnvError extends Error {
  override readonly name = 'DotEnvError';
}

/**
 * Reads the KEY=value lines of a .env file: `#` comments, blank lines, an optional `export `,
 * and values in single quotes (taken as they are) or double quotes (with \n, \" and \\).
 * A tiny parser, so that a password never needs a dependency to be read.
 */
export function parseDotEnv(text: string, source = '.env'): Record<string, string> {
  const values: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new DotEnvError(`${source} line ${index + 1} is not KEY=value: "${line.slice(0, 40)}"`);
    values[match[1]!] = unquote(match[2]!, `${source} line ${index + 1}`);
  });
  return values;
}

function unquote(value: string, where: string): string {
  const quote = value[0];
  if (quote !== "'" && quote !== '"') {
    // unquoted: a space before # starts a comment, as in shell
    return value.replace(/\s+#.*$/, '').trim();
  }
  const close = quote === "'" ? value.indexOf("'", 1) : closingDoubleQuote(value);
  if (close === -1) throw new DotEnvError(`${where}: the value opens with ${quote} but never closes it`);
  const inner = value.slice(1, close);
  return quote === "'" ? inner : inner.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function closingDoubleQuote(value: string): number {
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '"') return i;
  }
  return -1;
}

export const DOT_ENV_FILE = path.join(PROJECT_ROOT, '.env');

export function readDotEnv(file = DOT_ENV_FILE): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  return parseDotEnv(text, path.basename(file));
}

/** The settings every entry point reads: the git-ignored .env file, overridden by the real environment. */
export function workshopEnv(env: NodeJS.ProcessEnv = process.env, file = DOT_ENV_FILE): NodeJS.ProcessEnv {
  return { ...readDotEnv(file), ...env };
}
