import { firstListItems, parseMarkdown, type Section } from './markdown.ts';
import { pathMentions, type Mention } from './references.ts';

/**
 * A lesson README ends with `## Sources`: for each concept it teaches, the kafkajs file, Kafka
 * document or KIP it rests on. A claim a learner doubts can then be checked where it comes from,
 * and a claim nobody can source does not belong in the lesson.
 */

/** Where a source on the web may live: the projects' own documentation, code and proposals. */
export const PRIMARY_SOURCES: readonly RegExp[] = [
  // Kafka's documentation of one version: kafka.apache.org/41/…
  /^https:\/\/kafka\.apache\.org\/\d+\/[\w./-]+$/,
  // a Kafka Improvement Proposal
  /^https:\/\/cwiki\.apache\.org\/confluence\/display\/KAFKA\/KIP-\d+(%3A|\+-\+)[\w%+.,()-]+$/,
  /^https:\/\/issues\.apache\.org\/jira\/browse\/KAFKA-\d+$/,
  // the two projects' repositories: code, issues, pull requests
  /^https:\/\/github\.com\/(tulios\/kafkajs|apache\/kafka)(\/[\w./%-]+)?$/,
  /^https:\/\/kafka\.js\.org\/docs\/[\w-]+$/,
  // what Confluent makes (Schema Registry, librdkafka and its clients), from Confluent itself
  /^https:\/\/(docs\.confluent\.io|github\.com\/confluentinc)\/[\w./%#-]+$/,
];

export interface SourceEntry {
  /** The entry's markdown, as written. */
  markdown: string;
  links: Mention[];
  /** Files of the project (node_modules included) named in inline code. */
  paths: Mention[];
}

/** The entries of a Sources section: one per list item, with the web addresses and files it cites. */
export function sourceEntries(section: Section, source: string): SourceEntry[] {
  return firstListItems(section.body, source).map((item) => {
    const line = (item.tokens.find((token) => token.map)?.map?.[0] ?? section.line) + 1;
    const inline = parseMarkdown(item.markdown);
    const links = inline
      .flatMap((token) => token.children ?? [])
      .filter((token) => token.type === 'link_open')
      .map((token) => ({ text: token.attrGet('href') ?? '', line }));
    const paths = pathMentions(inline).map((mention) => ({ text: mention.text, line }));
    return { markdown: item.markdown, links, paths };
  });
}

/**
 * What is wrong with a Sources section: no entries, an entry that cites nothing, a web address
 * that is not a primary source, a file that does not exist (`exists` answers for a path
 * relative to the project).
 */
export function sourcesProblems(
  section: Section | undefined,
  source: string,
  exists: (projectPath: string) => boolean,
): string[] {
  if (!section) return ['no ## Sources section'];
  const entries = sourceEntries(section, source);
  if (entries.length === 0) return ['## Sources has no list of sources'];
  const problems: string[] = [];
  for (const entry of entries) {
    const line = entry.links[0]?.line ?? entry.paths[0]?.line;
    if (entry.links.length === 0 && entry.paths.length === 0)
      problems.push(`a source cites no file and no web address: "${entry.markdown.split('\n')[0]}"`);
    for (const link of entry.links) {
      if (!isWellFormed(link.text)) problems.push(`line ${line}: "${link.text}" is not a well-formed https address`);
      else if (!PRIMARY_SOURCES.some((pattern) => pattern.test(link.text)))
        problems.push(
          `line ${line}: ${link.text} is not a primary source (Kafka's docs, a KIP, the kafkajs, Kafka or Confluent repositories and docs)`,
        );
    }
    for (const file of entry.paths)
      if (!exists(file.text)) problems.push(`line ${line}: \`${file.text}\` does not exist`);
  }
  return problems;
}

function isWellFormed(address: string): boolean {
  try {
    return new URL(address).protocol === 'https:';
  } catch {
    return false;
  }
}
