import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.ts';
import type { Lesson } from '../lessons.ts';
import { displayPath } from '../paths.ts';
import {
  firstHeading,
  firstListItems,
  parseMarkdown,
  sectionsOf,
  type ListItem,
  type Section,
  type Token,
} from './markdown.ts';

/** Every lesson README has these `##` sections, in this order (Sources: see sources.ts). */
export const REQUIRED_SECTIONS = [
  "What you'll learn",
  'Concepts',
  'Steps',
  'Run the check',
  'Try it live',
  'Hints',
  'Going further',
  'Sources',
] as const;

export const MINIMUM_HINTS = 3;

/** A hint of the Hints section: the steps its label names ("**Step 3.**", "**Steps 1 and 5.**"). */
export interface Hint extends ListItem {
  /** Empty when the hint has no step label. */
  steps: number[];
}

export interface LessonReadme {
  source: string;
  tokens: Token[];
  /** The first heading as written: "Lesson 01: Producer basics". */
  heading: string | undefined;
  sections: Section[];
  /** How many numbered steps the Steps section has. */
  stepCount: number;
  /** The Hints section's list items, in order: for each step, the gentlest first. */
  hints: Hint[];
}

/** "**Step 3.**" or "**Steps 1 and 5:**" at the start of a hint. */
const STEP_LABEL = /^\*\*Steps? (\d+(?:(?:, | and )\d+)*)[.:]\*\*/;

export function hintSteps(markdown: string): number[] {
  const label = STEP_LABEL.exec(markdown)?.[1];
  return label ? label.split(/, | and /).map(Number) : [];
}

export function parseLessonReadme(source: string): LessonReadme {
  const tokens = parseMarkdown(source);
  const sections = sectionsOf(tokens);
  const hintsSection = sections.find((section) => section.heading === 'Hints');
  const stepsSection = sections.find((section) => section.heading === 'Steps');
  const hints = hintsSection ? firstListItems(hintsSection.body, source) : [];
  return {
    source,
    tokens,
    heading: firstHeading(tokens),
    sections,
    stepCount: stepsSection ? firstOrderedListItems(stepsSection.body, source).length : 0,
    hints: hints.map((hint) => ({ ...hint, steps: hintSteps(hint.markdown) })),
  };
}

/** The items of the first numbered list: the Steps section may have a bullet list or a code block before it. */
function firstOrderedListItems(tokens: readonly Token[], source: string): ListItem[] {
  const start = tokens.findIndex((token) => token.type === 'ordered_list_open');
  return start === -1 ? [] : firstListItems(tokens.slice(start), source);
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
  if (!new RegExp(`^# Lesson ${nn}: \\S`).test(firstLine))
    problems.push(`the first line should be "# Lesson ${nn}: Title", not "${firstLine}"`);

  const present = readme.sections.map((section) => section.heading);
  const missing = REQUIRED_SECTIONS.filter((heading) => !present.includes(heading));
  if (missing.length > 0) problems.push(`missing sections: ${missing.map((heading) => `## ${heading}`).join(', ')}`);
  const order = present.filter((heading) => (REQUIRED_SECTIONS as readonly string[]).includes(heading));
  const expectedOrder = REQUIRED_SECTIONS.filter((heading) => order.includes(heading));
  if (order.join('|') !== expectedOrder.join('|'))
    problems.push(`sections out of order: ${order.join(' → ')}; expected ${expectedOrder.join(' → ')}`);

  if (readme.hints.length < MINIMUM_HINTS)
    problems.push(`## Hints has ${readme.hints.length} list items; it needs at least ${MINIMUM_HINTS}`);
  problems.push(...hintProblems(readme));
  return problems;
}

/**
 * `npm run hint` shows the hints of the step the checks point at, so each hint names its step
 * ("**Step 3.** …") and each step of the Steps section has at least one.
 */
export function hintProblems(readme: LessonReadme): string[] {
  const problems: string[] = [];
  readme.hints.forEach((hint, index) => {
    if (hint.steps.length === 0)
      problems.push(`hint ${index + 1} names no step: start it with a label such as **Step 2.**`);
    const unknown = hint.steps.filter((step) => step < 1 || step > readme.stepCount);
    if (unknown.length > 0)
      problems.push(`hint ${index + 1} names step ${unknown.join(', ')}, but ## Steps has ${readme.stepCount} steps`);
  });
  for (let step = 1; step <= readme.stepCount; step++) {
    if (!readme.hints.some((hint) => hint.steps.includes(step))) problems.push(`step ${step} has no hint`);
  }
  return problems;
}
