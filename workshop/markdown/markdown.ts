import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

export type { Token };

/** One markdown-it for the whole workshop: the READMEs are parsed the same way everywhere. */
const markdown = new MarkdownIt();

export function parseMarkdown(source: string): Token[] {
  return markdown.parse(source, {});
}

export interface Section {
  /** The heading's text, as written. */
  heading: string;
  /** 1 for `#`, 2 for `##`, … */
  level: number;
  /** 0-based line of the heading in the source. */
  line: number;
  /** The tokens after the heading, up to the next heading of the same or a higher level. */
  body: Token[];
}

/** The sections that start with a heading of `level` (2 for the `##` sections of a README). */
export function sectionsOf(tokens: readonly Token[], level = 2): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const depth = token.type === 'heading_open' ? Number(token.tag.slice(1)) : Infinity;
    if (depth <= level) {
      current = undefined;
      if (depth === level) {
        current = { heading: tokens[i + 1]?.content.trim() ?? '', level, line: token.map?.[0] ?? 0, body: [] };
        sections.push(current);
        i += 2; // the heading's inline and close tokens
      }
      continue;
    }
    current?.body.push(token);
  }
  return sections;
}

/** The text of the first `#` heading, or undefined when there is none. */
export function firstHeading(tokens: readonly Token[]): string | undefined {
  const open = tokens.findIndex((token) => token.type === 'heading_open');
  return open === -1 ? undefined : tokens[open + 1]?.content.trim();
}

export interface ListItem {
  /** The item's markdown, as written (without its bullet or number). */
  markdown: string;
  /** The item's tokens, without the list_item_open/close pair. */
  tokens: Token[];
}

/** The top-level items of the first list in `tokens`, nested lists staying inside their item. */
export function firstListItems(tokens: readonly Token[], source: string): ListItem[] {
  const start = tokens.findIndex((token) => token.type === 'bullet_list_open' || token.type === 'ordered_list_open');
  if (start === -1) return [];
  const listLevel = tokens[start]!.level;
  const lines = source.split(/\r?\n/);
  const items: ListItem[] = [];
  let item: { open: Token; tokens: Token[] } | undefined;
  for (const token of tokens.slice(start + 1)) {
    if (token.level === listLevel && token.type.endsWith('_list_close')) break;
    if (token.level === listLevel + 1 && token.type === 'list_item_open') item = { open: token, tokens: [] };
    else if (token.level === listLevel + 1 && token.type === 'list_item_close' && item) {
      items.push({ markdown: itemSource(item.open, lines), tokens: item.tokens });
      item = undefined;
    } else item?.tokens.push(token);
  }
  return items;
}

function itemSource(open: Token, lines: string[]): string {
  const [from, to] = open.map ?? [0, 0];
  const [first = '', ...rest] = lines.slice(from, to);
  // continuation lines are indented under the marker; drop that indent, keep any deeper nesting
  const margin = Math.min(...rest.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)![0].length));
  const body = rest.map((line) => line.slice(Number.isFinite(margin) ? margin : 0).trimEnd());
  return [first.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, ''), ...body].join('\n').trim();
}
