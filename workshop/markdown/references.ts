import { sectionsOf, type Token } from './markdown.ts';

/** Something a markdown file mentions, with the 1-based line it is on (for the error message). */
export interface Mention {
  text: string;
  line: number;
}

const lineOf = (token: Token): number => (token.map?.[0] ?? 0) + 1;

/** Block tokens carry the source line; inline children inherit their parent's. */
function* withLines(tokens: readonly Token[]): Generator<{ token: Token; line: number }> {
  for (const token of tokens) {
    yield { token, line: lineOf(token) };
    for (const child of token.children ?? []) yield { token: child, line: lineOf(token) };
  }
}

const SCANNED = new Set(['text', 'code_inline', 'fence', 'code_block', 'html_block', 'html_inline']);

/** Every `npm run NAME` in prose, inline code and code blocks. */
export function npmRunMentions(tokens: readonly Token[]): Mention[] {
  const mentions: Mention[] = [];
  for (const { token, line } of withLines(tokens)) {
    if (!SCANNED.has(token.type)) continue;
    // a fence's content starts on the line after its ``` opener
    const firstLine = token.type === 'fence' ? line + 1 : line;
    token.content.split('\n').forEach((text, offset) => {
      for (const match of text.matchAll(/\bnpm run ([A-Za-z0-9:_.-]+)/g)) {
        mentions.push({ text: match[1]!.replace(/[.:-]+$/, ''), line: token.block ? firstLine + offset : line });
      }
    });
  }
  return mentions;
}

/** Links and images that point into the repository (not a web address, not an anchor). */
export function relativeLinks(tokens: readonly Token[]): Mention[] {
  const links: Mention[] = [];
  for (const { token, line } of withLines(tokens)) {
    const target =
      token.type === 'link_open' ? token.attrGet('href') : token.type === 'image' ? token.attrGet('src') : null;
    if (!target || target.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    links.push({ text: decodeURI(target.split('#')[0]!), line });
  }
  return links;
}

const FILE_NAME = /^[\w.-]+\.(?:ts|mts|mjs|js|json|md|yml|yaml|xml|sh)$/;
const PATH = /^\.{0,2}\/?[\w.-]+(?:\/[\w.-]+)*\/?$/;

/**
 * Inline code that names a file or folder of the project: `bank/codec.ts`, `lessons/`,
 * `producer.ts`. Commands, placeholders (`lessons/NN-*`) and addresses are not paths.
 */
export function pathMentions(tokens: readonly Token[]): Mention[] {
  const paths: Mention[] = [];
  for (const { token, line } of withLines(tokens)) {
    if (token.type !== 'code_inline') continue;
    const text = token.content.trim();
    const looksLikePath = PATH.test(text) && (text.includes('/') || FILE_NAME.test(text));
    if (looksLikePath && !/\bNN\b/.test(text) && !text.startsWith('~')) paths.push({ text, line });
  }
  return paths;
}

export interface LessonMapRow {
  /** "lesson-01" */
  id: string;
  /** The link in the row: "lessons/01-producer-basics/" */
  href: string | undefined;
  title: string;
  line: number;
}

/**
 * The rows of the table under `## Lesson map`: the lesson id in the first column, the folder
 * link in the second and the title in the third.
 */
export function lessonMapRows(tokens: readonly Token[]): LessonMapRow[] | undefined {
  const section = sectionsOf(tokens).find((s) => s.heading === 'Lesson map');
  if (!section) return undefined;
  const rows: LessonMapRow[] = [];
  let cells: Token[] = [];
  let inBody = false;
  let rowLine = 0;
  for (const token of section.body) {
    if (token.type === 'tbody_open') inBody = true;
    if (token.type === 'tbody_close') inBody = false;
    if (!inBody) continue;
    if (token.type === 'tr_open') {
      cells = [];
      rowLine = lineOf(token);
    }
    if (token.type === 'inline') cells.push(token);
    if (token.type === 'tr_close') {
      const [id, folder, title] = cells;
      rows.push({
        id: plainText(id),
        href: folder?.children?.find((child) => child.type === 'link_open')?.attrGet('href') ?? undefined,
        title: plainText(title),
        line: rowLine,
      });
    }
  }
  return rows;
}

/** An inline token's text without its markup: `lesson-01` → lesson-01. */
export function plainText(token: Token | undefined): string {
  return (token?.children ?? [])
    .filter((child) => child.type === 'text' || child.type === 'code_inline')
    .map((child) => child.content)
    .join('')
    .trim();
}
