import { formatStatistics } from '../../../bank/format.ts';
import type { Statistics } from '../../../bank/statistics.ts';
import type { WatchedProcess } from '../../../workshop/demo-process.ts';

/** What the tests read back from the programs' human output: the seed's formats, parsed. */
export interface PrintedTransaction {
  sequence: number;
  account: number;
  transactionId: string;
}

const TRANSACTION_LINE = /^\[\s*(\d+)\] Account (\d+) \|\s+\$[+-][\d.]+ \| \w+\s+\| (TXN-\d+)$/;

export function printedTransactions(program: WatchedProcess): PrintedTransaction[] {
  return program.lines.flatMap(({ text }) => {
    const match = TRANSACTION_LINE.exec(text);
    return match ? [{ sequence: Number(match[1]), account: Number(match[2]), transactionId: match[3]! }] : [];
  });
}

/** The partitions of the latest "🧩 Partitions assigned: 0, 2" line, or undefined before the first. */
export function latestAssignment(program: WatchedProcess): number[] | undefined {
  const line = program.matching(/Partitions assigned: /).at(-1);
  if (line === undefined) return undefined;
  const list = line.split('Partitions assigned: ')[1]!;
  return list.startsWith('none') ? [] : list.split(', ').map(Number);
}

/** The lines of the FINAL STATISTICS block the monitor prints when it stops. */
export function finalStatisticsBlock(program: WatchedProcess): string[] {
  const texts = program.lines.map((line) => line.text);
  const title = texts.indexOf('📊 FINAL STATISTICS');
  if (title < 1)
    throw new Error(
      `the monitor printed no FINAL STATISTICS block; its last lines: ${JSON.stringify(texts.slice(-8))}`,
    );
  const end = texts.indexOf(texts[title - 1]!, title + 2);
  return texts.slice(title - 1, end + 1);
}

/** The block the monitor must print for these statistics. */
export function expectedFinalBlock(stats: Statistics): string[] {
  return formatStatistics(stats).replace('REAL-TIME STATISTICS', 'FINAL STATISTICS').split('\n').slice(1);
}
