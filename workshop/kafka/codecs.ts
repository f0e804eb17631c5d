import { createRequire } from 'node:module';
import type { CompressionTypes } from 'kafkajs';

type Kafkajs = typeof import('kafkajs');
type Lz4 = typeof import('lz4js');
type Xxh32 = typeof import('lz4js/xxh32.js');
type Fzstd = typeof import('fzstd');
type ZstdWasm = typeof import('@bokuweb/zstd-wasm');
type Snappy = typeof import('kafkajs-snappy').default;

/**
 * kafkajs and the codec packages load at the first call that needs them, not when this module
 * is imported: `npm run check` reads its settings on the thread that starts the checks, and
 * loading kafkajs there cost a tenth of a check run. They are CommonJS packages, so `require`
 * gives the very instance an `import` of them gives, with the one table of codecs.
 */
const load = createRequire(import.meta.url);
/** A package, required at its first use and kept: a codec runs for every compressed batch. */
function lazily<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}
/** kafkajs, loaded now if no one has yet. */
export const kafkajs = lazily<Kafkajs>('kafkajs');
const lz4 = lazily<Lz4>('lz4js');
const xxh32 = lazily<Xxh32>('lz4js/xxh32.js');
const fzstd = lazily<Fzstd>('fzstd');
const zstdWasm = lazily<ZstdWasm>('@bokuweb/zstd-wasm');
const snappyCodec = lazily<Snappy>('kafkajs-snappy');

/**
 * kafkajs reads and writes gzip by itself; Kafka has three more codecs, and a topic written by
 * Java, librdkafka (kcat, Confluent's clients) or Python often uses one of them. A kafkajs
 * consumer without them stops at the first such batch, and a restart meets the same batch
 * again. kafkajs keeps its codecs in one shared table (CompressionCodecs), so registering them
 * once per process serves every client in it, the learner's lesson code included.
 *
 * Every package here is JavaScript or WebAssembly: `npm install` alone sets them up, on any
 * laptop, with no compiler and no download from elsewhere.
 */

/** What kafkajs asks of a codec: it hands over an encoder whose `buffer` holds the batch's records. */
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** The zstd level Kafka's Java producer uses by default (compression.zstd.level). */
const ZSTD_LEVEL = 3;

/** lz4js's frames hold blocks of up to 4 MB: more than a broker takes in one batch (message.max.bytes, 1 MB). */
const LZ4_BLOCK_BYTES = 4 * 1024 * 1024;
const LZ4_BLOCK_INDEPENDENCE = 0x20;

/**
 * LZ4 in the frame format, as Kafka stores it. lz4js marks its blocks as depending on the ones
 * before them, which Kafka refuses ("Dependent block stream is unsupported"). A batch is one
 * block, and a lone block depends on nothing, so the frame says so: the flag set, and the
 * descriptor's checksum (the second byte of its xxHash32) computed again.
 */
function lz4Frame(data: Buffer): Buffer {
  const frame = Buffer.from(lz4().compress(data));
  if (data.length > LZ4_BLOCK_BYTES) return frame;
  const descriptor = 4; // after the 4-byte magic number: flags, block size, checksum
  frame[descriptor] = frame[descriptor]! | LZ4_BLOCK_INDEPENDENCE;
  frame[descriptor + 2] = (xxh32().hash(0, frame, descriptor, 2) >>> 8) & 0xff;
  return frame;
}

const lz4Codec: Codec = {
  compress: async (encoder) => lz4Frame(encoder.buffer),
  decompress: async (buffer) => Buffer.from(lz4().decompress(buffer)),
};

/**
 * zstd: fzstd (JavaScript) reads any frame, including Java's streamed ones that do not state
 * their size up front; zstd-wasm (WebAssembly, loaded on the first compression) writes them.
 */
let zstdReady: Promise<void> | undefined;
const zstdCodec: Codec = {
  compress: async (encoder) => {
    await (zstdReady ??= zstdWasm().init());
    return Buffer.from(zstdWasm().compress(encoder.buffer, ZSTD_LEVEL));
  },
  decompress: async (buffer) => Buffer.from(fzstd().decompress(buffer)),
};

/** Every codec Kafka has, by the name Kafka's tools use (compression.type, --compression-codec, kcat -z). */
export const KAFKA_CODECS = {
  // kafkajs's CompressionTypes, whose values are Kafka's own ids for the codecs
  gzip: 1 as CompressionTypes.GZIP,
  snappy: 2 as CompressionTypes.Snappy,
  lz4: 3 as CompressionTypes.LZ4,
  zstd: 4 as CompressionTypes.ZSTD,
} as const;

const codecs: Record<CompressionTypes.Snappy | CompressionTypes.LZ4 | CompressionTypes.ZSTD, () => Codec> = {
  // Snappy as Kafka's Java client frames it (xerial), and unframed as librdkafka may send it
  [KAFKA_CODECS.snappy]: () => snappyCodec()(),
  [KAFKA_CODECS.lz4]: () => lz4Codec,
  [KAFKA_CODECS.zstd]: () => zstdCodec,
};

/** Teaches kafkajs snappy, lz4 and zstd, next to its own gzip. Safe to call any number of times. */
export function registerCompressionCodecs(): void {
  Object.assign(kafkajs().CompressionCodecs, codecs);
}
export type KafkaCodecName = keyof typeof KAFKA_CODECS;
