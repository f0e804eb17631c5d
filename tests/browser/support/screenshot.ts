import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../workshop/paths.ts';

/** WORKSHOP.md's picture of the dashboard, and the fingerprint of the page it shows. */
export const SCREENSHOT = path.join(PROJECT_ROOT, 'docs', 'dashboard.png');
const FINGERPRINT = path.join(PROJECT_ROOT, 'docs', 'dashboard.png.page-sha256');
const PAGE_DIR = path.join(PROJECT_ROOT, 'dashboard', 'public');

/** A hash of the page's own files: when it changes, the picture in the docs is out of date. */
export function pageFingerprint(): string {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(PAGE_DIR).sort()) {
    hash
      .update(name)
      .update('\0')
      .update(fs.readFileSync(path.join(PAGE_DIR, name)))
      .update('\0');
  }
  return hash.digest('hex');
}

/**
 * Keeps docs/dashboard.png in step with the page: a test run after the page changed writes the
 * new picture (commit it). In CI, which must not edit the repository, a picture older than the
 * page fails with that instruction instead.
 */
export function keepScreenshotCurrent(png: Buffer): { stale: boolean; message: string } {
  const fingerprint = pageFingerprint();
  const recorded = fs.existsSync(FINGERPRINT) ? fs.readFileSync(FINGERPRINT, 'utf8').trim() : '';
  if (recorded === fingerprint && fs.existsSync(SCREENSHOT)) return { stale: false, message: 'up to date' };
  const message =
    'docs/dashboard.png shows an older version of dashboard/public/: run npm run test:dashboard locally, ' +
    'then commit docs/dashboard.png and docs/dashboard.png.page-sha256';
  if (process.env.CI) return { stale: true, message };
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  fs.writeFileSync(SCREENSHOT, png);
  fs.writeFileSync(FINGERPRINT, `${fingerprint}\n`);
  return { stale: false, message: 'rewritten: commit docs/dashboard.png and its fingerprint' };
}
