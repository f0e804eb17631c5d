import { expect, test } from 'vitest';
import { formatCodecTable, parseLogDirs } from '../workshop/bench/codecs.ts';

test("kafka-log-dirs' report: the sizes of every partition on every broker, added up", () => {
  const output = [
    'Querying brokers for log directories information',
    'Received log directory information from brokers 1',
    '{"brokers":[{"broker":1,"logDirs":[{"logDir":"/tmp/k","error":null,"partitions":[{"partition":"t-0","size":100,"offsetLag":0,"isFuture":false},{"partition":"t-1","size":250,"offsetLag":0,"isFuture":false}]}]}],"version":1}',
  ].join('\n');
  expect(parseLogDirs(output)).toBe(350);
  expect(() => parseLogDirs('Error: no such topic')).toThrow(/printed no JSON/);
});

test('the codec table sets each codec next to no compression', () => {
  const table = formatCodecTable([
    { codec: 'none', messagesPerSecond: 10_000, bytesOnDisk: 1_000_000 },
    { codec: 'zstd', messagesPerSecond: 8_000, bytesOnDisk: 150_000 },
    { codec: 'lz4', messagesPerSecond: 9_000, bytesOnDisk: NaN },
  ]);
  expect(table.split('\n').slice(2)).toEqual([
    '| none | 10,000 | 100% | 1,000,000 | 100% |',
    '| zstd | 8,000 | 80% | 150,000 | 15% |',
    '| lz4 | 9,000 | 90% | – | – |',
  ]);
});
