/// <reference lib="dom" />
// page.evaluate runs its callback in the browser: the DOM's types describe what it sees there
import type { Page } from 'playwright-core';

/** What the page shows of one consumer group: its members and what each owns, as the person reads it. */
export interface GroupOnPage {
  state: string;
  totalLag: number;
  members: Array<{ label: string; owns: number[]; text: string }>;
}

export async function groupOnPage(page: Page, groupId: string): Promise<GroupOnPage | undefined> {
  return page.evaluate((id) => {
    const article = [...document.querySelectorAll<HTMLElement>('article.group')].find((a) => a.dataset.group === id);
    if (!article) return undefined;
    return {
      state: article.dataset.state ?? '',
      totalLag: Number(article.dataset.totalLag),
      members: [...article.querySelectorAll<HTMLElement>('.members .member')].map((li) => ({
        label: li.dataset.member ?? '',
        owns: (li.dataset.owns ?? '').split(',').filter(Boolean).map(Number),
        text: li.textContent ?? '',
      })),
    };
  }, groupId);
}

/** The rebalance timeline's lines, newest first. */
export function timelineOnPage(page: Page): Promise<string[]> {
  return page.locator('#rebalances li').allTextContents();
}

/**
 * Polls the page (every animation frame, in the browser) until `probe` returns a value, and
 * fails with what the page last showed when it does not within `timeoutMs`, after what
 * `lastSeen` says, if given (the page's text is cut, and may not reach the part that matters).
 */
export async function waitOnPage<T>(
  page: Page,
  probe: () => Promise<T | undefined>,
  expected: string,
  timeoutMs = 15_000,
  lastSeen?: () => Promise<string> | string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const text = await page
        .locator('main')
        .innerText()
        .catch(() => '(the page did not answer)');
      const seen = lastSeen ? `Last seen: ${await lastSeen()}\n` : '';
      throw new Error(
        `Waited ${timeoutMs / 1000} s for the page to show ${expected}, in vain. ${seen}It shows:\n${text.slice(0, 1500)}`,
      );
    }
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  }
}
