import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `text` to `file` through a temporary file renamed over it, so that a reader (another
 * check, say, or one that crashed half-way) never finds half a file. The temporary name is this
 * process's and this call's own: two writers at once never write into the same one.
 */
export function writeFileAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
