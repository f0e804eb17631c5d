import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; WORKSHOP_CHROMIUM points elsewhere (a Chrome on macOS, say). Never a downloaded browser. */
export const CHROMIUM = process.env.WORKSHOP_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a closed network: without the background-networking ones, chromium keeps trying
 * to reach Google's hosts and stalls.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  page: Page;
  close(): Promise<void>;
}

/** What to do when there is no browser: the test fails with this, it is never skipped. */
export function missingChromiumMessage(): string {
  return (
    `The browser tests need Chromium at ${CHROMIUM}, and there is none. ` +
    'Install it with "sudo apt-get install -y chromium" (Debian, Ubuntu; .ci/run does this), ' +
    'or set WORKSHOP_CHROMIUM to a Chromium or Chrome binary. No browser is downloaded.'
  );
}

/** A fresh headless chromium with an empty profile, driven by playwright-core; close() removes the profile. */
export async function openBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(missingChromiumMessage());
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
