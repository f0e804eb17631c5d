import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { hintProblems, parseLessonReadme, readmeProblems } from '../workshop/markdown/lesson-readme.ts';
import { firstListItems, parseMarkdown, sectionsOf } from '../workshop/markdown/markdown.ts';
import { lessonMapRows, npmRunMentions, pathMentions, relativeLinks } from '../workshop/markdown/references.ts';
import { sourceEntries, sourcesProblems } from '../workshop/markdown/sources.ts';
import { renderForTerminal, stripAnsi } from '../workshop/markdown/terminal.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

const sample = fs.readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/markdown/lesson-readme.md'), 'utf8');

describe('lesson README parsing', () => {
  const readme = parseLessonReadme(sample);

  test('finds the title and the ## sections in order', () => {
    expect(readme.heading).toBe('Lesson 07: Sample lesson');
    expect(readme.sections.map((s) => s.heading)).toEqual([
      "What you'll learn",
      'Concepts',
      'Steps',
      'Run the check',
      'Try it live',
      'Hints',
      'Going further',
      'Sources',
    ]);
  });

  test('each hint is one top-level item, nested lists and code blocks included, with the steps it names', () => {
    expect(readme.hints.map((hint) => hint.markdown)).toEqual([
      '**Step 1.** Start with the **client**: `new Kafka(connection)`.',
      '**Steps 1 and 2.** The producer comes from the client:\n- `kafka.producer()`\n- then `await producer.connect()`',
      '**Step 2.** Nearly there:\n\n```ts\nawait producer.send({ topic, messages: [{ value }] });\n```',
      '**Step 3.** Read what `send()` resolved to.',
    ]);
    expect(readme.hints.map((hint) => hint.steps)).toEqual([[1], [1, 2], [2], [3]]);
    expect(readme.stepCount).toBe(3);
  });

  test('a hint without a step label, a step without a hint and a hint for a step that does not exist are problems', () => {
    const unlabelled = parseLessonReadme(
      '# Lesson 07: X\n\n## Steps\n\n1. one\n2. two\n\n## Hints\n\n1. **Step 1.** a\n2. b\n3. **Step 4.** c\n',
    );
    expect(hintProblems(unlabelled)).toEqual([
      'hint 2 names no step: start it with a label such as **Step 2.**',
      'hint 3 names step 4, but ## Steps has 2 steps',
      'step 2 has no hint',
    ]);
  });

  test('a well-formed README has no problems', () => {
    expect(readmeProblems(readme, 7)).toEqual([]);
  });

  test('names each problem: title line, missing and misordered sections, too few hints', () => {
    const broken = parseLessonReadme(
      "# Lesson 7: Sample\n\n## Concepts\n\n## What you'll learn\n\n## Hints\n\n- only one\n",
    );
    expect(readmeProblems(broken, 7)).toEqual([
      'the first line should be "# Lesson 07: Title", not "# Lesson 7: Sample"',
      'missing sections: ## Steps, ## Run the check, ## Try it live, ## Going further, ## Sources',
      "sections out of order: Concepts → What you'll learn → Hints; expected What you'll learn → Concepts → Hints",
      '## Hints has 1 list items; it needs at least 3',
      'hint 1 names no step: start it with a label such as **Step 2.**',
    ]);
  });

  test('a README without a Hints section has no hints', () => {
    expect(parseLessonReadme('# Lesson 01: X\n\n## Steps\n\n1. one\n2. two\n').hints).toEqual([]);
  });
});

test('sectionsOf stops a section at the next heading of the same level, keeping deeper ones inside', () => {
  const sections = sectionsOf(parseMarkdown('# T\n\n## A\n\ntext\n\n### A.1\n\nmore\n\n## B\n\nend\n'));
  expect(
    sections.map((s) => [s.heading, s.line, s.body.filter((t) => t.type === 'inline').map((t) => t.content)]),
  ).toEqual([
    ['A', 2, ['text', 'A.1', 'more']],
    ['B', 10, ['end']],
  ]);
});

test('firstListItems reads only the first list', () => {
  const source = '- a\n- b\n\ntext\n\n- c\n';
  expect(firstListItems(parseMarkdown(source), source).map((item) => item.markdown)).toEqual(['a', 'b']);
});

describe('terminal rendering', () => {
  const lines = renderForTerminal(parseLessonReadme(sample).tokens, {
    color: false,
    baseDir: path.join(PROJECT_ROOT, 'lessons', '07-sample'),
  });
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
    expect(text).toContain(
      'Command                    What it does\n─────────────────────────  ────────────────\n`npm run check lesson-07`  checks your code',
    );
    expect(text).toContain('▌ Start the simulator first.');
  });

  test('colours only when asked, and the text stays the same', () => {
    const coloured = renderForTerminal(parseLessonReadme(sample).tokens, {
      color: true,
      baseDir: path.join(PROJECT_ROOT, 'lessons', '07-sample'),
    });
    expect(coloured.join('\n')).toContain('\u001b[1m');
    expect(text).not.toContain('\u001b[');
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

describe('the Sources section of a lesson README', () => {
  const sourcesOf = (markdown: string) => {
    const source = `# Lesson 07: X\n\n## Sources\n\n${markdown}\n`;
    return { section: parseLessonReadme(source).sections.find((s) => s.heading === 'Sources'), source };
  };
  const exists = (file: string) => file === 'node_modules/kafkajs/src/consumer/runner.js';
  const problems = (markdown: string) => {
    const { section, source } = sourcesOf(markdown);
    return sourcesProblems(section, source, exists);
  };

  test('reads each entry with the files and web addresses it cites', () => {
    const { section, source } = sourcesOf(
      '- Commits: `node_modules/kafkajs/src/consumer/runner.js`, [KIP-848](https://cwiki.apache.org/confluence/display/KAFKA/KIP-848%3A+The+Next+Generation+of+the+Consumer+Rebalance+Protocol).\n- Acks: [producer configs](https://kafka.apache.org/41/configuration/producer-configs).',
    );
    expect(
      sourceEntries(section!, source).map((e) => [e.paths.map((p) => p.text), e.links.map((l) => l.text)]),
    ).toEqual([
      [
        ['node_modules/kafkajs/src/consumer/runner.js'],
        [
          'https://cwiki.apache.org/confluence/display/KAFKA/KIP-848%3A+The+Next+Generation+of+the+Consumer+Rebalance+Protocol',
        ],
      ],
      [[], ['https://kafka.apache.org/41/configuration/producer-configs']],
    ]);
  });

  test('a section whose every entry cites an existing file or a primary source has no problems', () => {
    expect(
      problems(
        '- Runner: `node_modules/kafkajs/src/consumer/runner.js`.\n- [kafkajs#815](https://github.com/tulios/kafkajs/issues/815), [KAFKA-15780](https://issues.apache.org/jira/browse/KAFKA-15780).',
      ),
    ).toEqual([]);
  });

  test('names what is wrong: a missing section, no list, no citation, a file that is not there, a secondary or malformed address', () => {
    expect(sourcesProblems(undefined, '', exists)).toEqual(['no ## Sources section']);
    expect(problems('Read the docs.')).toEqual(['## Sources has no list of sources']);
    expect(problems('- Trust me.')).toEqual(['a source cites no file and no web address: "Trust me."']);
    expect(problems('- `node_modules/kafkajs/src/consumer/gone.js`')).toEqual([
      'line 5: `node_modules/kafkajs/src/consumer/gone.js` does not exist',
    ]);
    expect(problems('- [a blog](https://example.com/kafka-acks) and [plain](http://kafka.apache.org/41/x)')).toEqual([
      "line 5: https://example.com/kafka-acks is not a primary source (Kafka's docs, a KIP, the kafkajs, Kafka or Confluent repositories and docs)",
      'line 5: "http://kafka.apache.org/41/x" is not a well-formed https address',
    ]);
    expect(problems('- [relative](kafka-docs.md)')).toEqual([
      'line 5: "kafka-docs.md" is not a well-formed https address',
    ]);
  });
});
