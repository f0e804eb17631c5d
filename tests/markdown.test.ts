import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseLessonReadme, readmeProblems } from '../workshop/markdown/lesson-readme.ts';
import { firstListItems, parseMarkdown, sectionsOf } from '../workshop/markdown/markdown.ts';
import { lessonMapRows, npmRunMentions, pathMentions, relativeLinks } from '../workshop/markdown/references.ts';
import { renderForTerminal, stripAnsi } from '../workshop/markdown/terminal.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

const sample = fs.readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/markdown/lesson-readme.md'), 'utf8');

describe('lesson README parsing', () => {
  const readme = parseLessonReadme(sample);

  test('finds the title and the ## sections in order', () => {
    expect(readme.heading).toBe('Lesson 07: Sample lesson');
    expect(readme.sections.map((s) => s.heading)).toEqual(["What you'll learn", 'Concepts', 'Steps', 'Run the check', 'Try it live', 'Hints', 'Going further']);
  });

  test('each hint is one top-level item, nested lists and code blocks included', () => {
    expect(readme.hints.map((hint) => hint.markdown)).toEqual([
      'Start with the **client**: `new Kafka(connection)`.',
      'The producer comes from the client:\n- `kafka.producer()`\n- then `await producer.connect()`',
      'Nearly there:\n\n```ts\nawait producer.send({ topic, messages: [{ value }] });\n```',
    ]);
  });

  test('a well-formed README has no problems', () => {
    expect(readmeProblems(readme, 7)).toEqual([]);
  });

  test('names each problem: title line, missing and misordered sections, too few hints', () => {
    const broken = parseLessonReadme('# Lesson 7: Sample\n\n## Concepts\n\n## What you\'ll learn\n\n## Hints\n\n- only one\n');
    expect(readmeProblems(broken, 7)).toEqual([
      'the first line should be "# Lesson 07: Title", not "# Lesson 7: Sample"',
      'missing sections: ## Steps, ## Run the check, ## Try it live, ## Going further',
      "sections out of order: Concepts → What you'll learn → Hints; expected What you'll learn → Concepts → Hints",
      '## Hints has 1 list items; it needs at least 3',
    ]);
  });

  test('a README without a Hints section has no hints', () => {
    expect(parseLessonReadme('# Lesson 01: X\n\n## Steps\n\n1. one\n2. two\n').hints).toEqual([]);
  });
});

test('sectionsOf stops a section at the next heading of the same level, keeping deeper ones inside', () => {
  const sections = sectionsOf(parseMarkdown('# T\n\n## A\n\ntext\n\n### A.1\n\nmore\n\n## B\n\nend\n'));
  expect(sections.map((s) => [s.heading, s.line, s.body.filter((t) => t.type === 'inline').map((t) => t.content)])).toEqual([
    ['A', 2, ['text', 'A.1', 'more']],
    ['B', 10, ['end']],
  ]);
});

test('firstListItems reads only the first list', () => {
  const source = '- a\n- b\n\ntext\n\n- c\n';
  expect(firstListItems(parseMarkdown(source), source).map((item) => item.markdown)).toEqual(['a', 'b']);
});

describe('terminal rendering', () => {
  const lines = renderForTerminal(parseLessonReadme(sample).tokens, { color: false, baseDir: path.join(PROJECT_ROOT, 'lessons', '07-sample') });
  const text = lines.join('\n');

  test('underlines the title and the sections', () => {
    expect(lines.slice(0, 2)).toEqual(['Lesson 07: Sample lesson', '════════════════════════']);
    expect(text).toContain("What you'll learn\n─────────────────");
  });

  test('keeps bullets, numbers and nesting', () => {
    expect(text).toContain('• How to read a README in the terminal\n• Nested lists:\n  • one level down');
    expect(text).toContain('1. Open `producer.ts`.\n2. Run it:');
    expect(text).toContain('3. Read the result.');
  });

  test('puts code blocks in a margin, under their language', () => {
    expect(text).toContain('     bash\n     │ npm run check lesson-07');
    expect(text).toContain('  │ producer ──▶ topic ──▶ consumer');
  });

  test('shows where links point, relative ones as project paths', () => {
    expect(text).toContain('a link (lessons/other/README.md)');
    expect(text).toContain('the docs (https://kafka.apache.org/documentation/)');
  });

  test('lines up tables and marks quotes', () => {
    expect(text).toContain('Command                    What it does\n─────────────────────────  ────────────────\n`npm run check lesson-07`  checks your code');
    expect(text).toContain('▌ Start the simulator first.');
  });

  test('colours only when asked, and the text stays the same', () => {
    const coloured = renderForTerminal(parseLessonReadme(sample).tokens, { color: true, baseDir: path.join(PROJECT_ROOT, 'lessons', '07-sample') });
    expect(coloured.join('\n')).toMatch(/\u001b\[1m/);
    expect(text).not.toMatch(/\u001b\[/);
    expect(coloured.map(stripAnsi)).toEqual(lines);
  });
});

describe('references in markdown', () => {
  const doc = [
    'Run `npm run check lesson-01`, then npm run watch.',
    '',
    '```bash',
    'npm install',
    'npm run progress -- --verify',
    '```',
    '',
    'See [the guide](WORKSHOP.md#setup), [the site](https://kafka.apache.org), [top](#top) and ![diagram](docs/flow.png).',
    '',
    'Files: `bank/codec.ts`, `lessons/`, `producer.ts`, `lessons/NN-*/`, `localhost:9092`, `docker compose up -d`, `~/.cache/kafka-workshop`.',
  ].join('\n');
  const tokens = parseMarkdown(doc);

  test('npm run mentions, with their lines, in prose, inline code and code blocks', () => {
    expect(npmRunMentions(tokens)).toEqual([
      { text: 'check', line: 1 },
      { text: 'watch', line: 1 },
      { text: 'progress', line: 5 },
    ]);
  });

  test('relative links and images, without anchors or web addresses', () => {
    expect(relativeLinks(tokens).map((link) => link.text)).toEqual(['WORKSHOP.md', 'docs/flow.png']);
  });

  test('paths in inline code, but not commands, addresses or placeholders', () => {
    expect(pathMentions(tokens).map((mention) => mention.text)).toEqual(['bank/codec.ts', 'lessons/', 'producer.ts']);
  });

  test('the lesson map table, row by row', () => {
    const map = parseMarkdown(
      '# Guide\n\n## Lesson map\n\n| Lesson | Folder | Title |\n| --- | --- | --- |\n| `lesson-01` | [01-producer-basics](lessons/01-producer-basics/) | Producer basics |\n| lesson-02 | 02-keys | Keys |\n\n## Next\n',
    );
    expect(lessonMapRows(map)).toEqual([
      { id: 'lesson-01', href: 'lessons/01-producer-basics/', title: 'Producer basics', line: 7 },
      { id: 'lesson-02', href: undefined, title: 'Keys', line: 8 },
    ]);
    expect(lessonMapRows(parseMarkdown('# Guide\n'))).toBeUndefined();
  });
});
