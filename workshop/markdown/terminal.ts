import { stripVTControlCharacters } from 'node:util';
import path from 'node:path';
import { displayPath } from '../paths.ts';
import type { Token } from './markdown.ts';

export interface RenderOptions {
  /** ANSI colours and bold: on for a terminal, off for pipes, files and NO_COLOR. */
  color: boolean;
  /** The markdown file's folder: relative links are shown as project paths the learner can open. */
  baseDir?: string;
}

/** Bold and italic switched on and off inside a line. */
const EMPHASIS: Record<string, string> = {
  strong_open: '\u001b[1m',
  strong_close: '\u001b[22m',
  em_open: '\u001b[3m',
  em_close: '\u001b[23m',
};

type Paint = (text: string) => string;
const ansi =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

export function wantsColor(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/**
 * Markdown for a terminal, from markdown-it's tokens: headings stand out, code blocks sit in a
 * margin, lists keep their bullets and numbers, links show where they point.
 */
export function renderForTerminal(tokens: readonly Token[], options: RenderOptions): string[] {
  const paint = {
    bold: options.color ? ansi(1, 22) : plain,
    dim: options.color ? ansi(2, 22) : plain,
    code: options.color ? ansi(36, 39) : plain,
  };
  const lines: string[] = [];
  const lists: Array<{ ordered: boolean; next: number }> = [];
  let indent = '';
  let marker: string | undefined;
  let table: string[][] | undefined;
  let row: string[] = [];
  let headingLevel: number | undefined;

  const emit = (text: string) => {
    for (const line of text.split('\n')) {
      const prefix = marker ?? indent;
      marker = undefined;
      lines.push((prefix + line).trimEnd());
    }
  };
  const blank = () => {
    if (lines.length > 0 && lines.at(-1) !== '' && lists.length === 0) lines.push('');
  };

  const inline = (token: Token): string => {
    let out = '';
    let link: string | undefined;
    let linkText = '';
    for (const child of token.children ?? []) {
      let piece = '';
      switch (child.type) {
        case 'text':
        case 'html_inline':
          piece = child.content;
          break;
        case 'code_inline':
          piece = paint.code(`\`${child.content}\``);
          break;
        case 'softbreak':
        case 'hardbreak':
          piece = '\n';
          break;
        case 'strong_open':
        case 'strong_close':
        case 'em_open':
        case 'em_close':
          piece = options.color ? EMPHASIS[child.type]! : '';
          break;
        case 'image':
          piece = `[image: ${child.content || 'picture'}] (${linkTarget(child.attrGet('src') ?? '', options.baseDir)})`;
          break;
        case 'link_open':
          link = child.attrGet('href') ?? '';
          linkText = '';
          continue;
        case 'link_close': {
          const target = linkTarget(link ?? '', options.baseDir);
          const shown =
            link?.startsWith('#') || target === linkText.replace(/`/g, '') ? '' : ` ${paint.dim(`(${target})`)}`;
          out += shown;
          link = undefined;
          continue;
        }
      }
      if (link !== undefined) linkText += child.content;
      out += piece;
    }
    return out;
  };

  for (const token of tokens) {
    switch (token.type) {
      case 'heading_open':
        blank();
        headingLevel = Number(token.tag.slice(1));
        break;
      case 'heading_close':
        headingLevel = undefined;
        blank();
        break;
      case 'inline': {
        if (table) {
          row.push(inline(token));
          break;
        }
        const text = inline(token);
        if (headingLevel === undefined) emit(text);
        else {
          // the title is underlined with ═, the `##` sections with ─
          emit(paint.bold(text));
          if (headingLevel <= 2) emit((headingLevel === 1 ? '═' : '─').repeat(Math.min(stripAnsi(text).length, 72)));
        }
        break;
      }
      case 'paragraph_close':
        if (!token.hidden) blank();
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: token.type === 'ordered_list_open', next: Number(token.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        blank();
        break;
      case 'list_item_open': {
        const list = lists.at(-1)!;
        const bullet = list.ordered ? `${list.next++}. ` : '• ';
        marker = indent + bullet;
        indent += ' '.repeat(bullet.length);
        break;
      }
      case 'list_item_close': {
        const list = lists.at(-1)!;
        indent = indent.slice(0, indent.length - (list.ordered ? `${list.next - 1}. `.length : 2));
        break;
      }
      case 'fence':
      case 'code_block': {
        const label = token.info.trim() ? paint.dim(`  ${token.info.trim()}`) : '';
        if (label) emit(label);
        for (const line of token.content.replace(/\n$/, '').split('\n'))
          emit(`${paint.dim('  │')} ${paint.code(line)}`);
        blank();
        break;
      }
      case 'blockquote_open':
        indent += '▌ ';
        break;
      case 'blockquote_close':
        indent = indent.slice(0, -2);
        break;
      case 'hr':
        emit(paint.dim('─'.repeat(40)));
        blank();
        break;
      case 'html_block':
        emit(token.content.trimEnd());
        blank();
        break;
      case 'table_open':
        table = [];
        break;
      case 'tr_open':
        row = [];
        break;
      case 'tr_close':
        table?.push(row);
        break;
      case 'table_close':
        if (table) {
          const rows = table;
          table = undefined;
          renderTable(rows, paint.bold).forEach(emit);
          blank();
        }
        break;
    }
  }
  // one blank line between blocks, none at the end
  return lines.filter((line, i, all) => !(line === '' && (i === all.length - 1 || all[i + 1] === '')));
}

function renderTable(rows: string[][], bold: Paint): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((r) => stripAnsi(r[column] ?? '').length))) ?? [];
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - stripAnsi(cell).length))
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  return head ? [bold(format(head)), widths.map((width) => '─'.repeat(width)).join('  '), ...body.map(format)] : [];
}

function linkTarget(href: string, baseDir: string | undefined): string {
  if (!baseDir || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) return href;
  const [file = '', anchor] = href.split('#');
  const shown = displayPath(path.resolve(baseDir, file)) + (file.endsWith('/') ? '/' : '');
  return anchor ? `${shown}#${anchor}` : shown;
}

export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}
