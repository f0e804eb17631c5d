import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.ts';
import type { Lesson } from '../lessons.ts';
import { displayPath } from '../paths.ts';
import { firstHeading, firstListItems, parseMarkdown, sectionsOf, type ListItem, type Section, type Token } from './markdown.ts';

/** Every lesson README has these `##` sections, in this order. */
export const REQUIRED_SECTIONS = [
  "What you'll learn",
  'Concepts',
  'Steps',
  'Run the check',
  'Try it live',
  'Hints',
  'Going further',
] as const;

export const MINIMUM_HINTS = 3;

export interface LessonReadme {
  source: string;
  tokens: Token[];
  /** The first heading as written: "Lesson 01: Producer basics". */
  heading: string | undefined;
  sections: Section[];
  /** The Hints section's list items, easiest first. */
  hints: ListItem[];
}

export function parseLessonReadme(source: string): LessonReadme {
  const tokens = parseMarkdown(source);
  const sections = sectionsOf(tokens);
  const hintsSection = sections.find((section) => section.heading === 'Hints');
  return {
    source,
    tokens,
    heading: firstHeading(tokens),
    sections,
    hints: hintsSection ? firstListItems(hintsSection.body, source) : [],
  };
}

export function readLessonReadme(lesson: Lesson): LessonReadme {
  const file = path.join(lesson.lessonDir, 'README.md');
  if (!fs.existsSync(file)) throw new ConfigError(`${lesson.id} has no README yet (${displayPath(file)})`);
  return parseLessonReadme(fs.readFileSync(file, 'utf8'));
}

/** What is wrong with a lesson README's shape; empty when nothing is. */
export function readmeProblems(readme: LessonReadme, lessonNumber: number): string[] {
  const problems: string[] = [];
  const nn = String(lessonNumber).padStart(2, '0');
  const firstLine = readme.source.split(/\r?\n/, 1)[0] ?? '';
  if (!new RegExp(`^# Lesson ${nn}: \\S`).test(firstLine)) problems.push(`the first line should be "# Lesson ${nn}: Title", not "${firstLine}"`);

  const present = readme.sections.map((section) => section.heading);
  const missing = REQUIRED_SECTIONS.filter((heading) => !present.includes(heading));
  if (missing.length > 0) problems.push(`missing sections: ${missing.map((heading) => `## ${heading}`).join(', ')}`);
  const order = present.filter((heading) => (REQUIRED_SECTIONS as readonly string[]).includes(heading));
  const expectedOrder = REQUIRED_SECTIONS.filter((heading) => order.includes(heading));
  if (order.join('|') !== expectedOrder.join('|')) problems.push(`sections out of order: ${order.join(' → ')}; expected ${expectedOrder.join(' → ')}`);

  if (readme.hints.length < MINIMUM_HINTS) problems.push(`## Hints has ${readme.hints.length} list items; it needs at least ${MINIMUM_HINTS}`);
  return problems;
}
