// Types for the codec packages that ship none (used by workshop/kafka/codecs.ts).

declare module 'kafkajs-snappy' {
  const createSnappyCodec: () => {
    compress(encoder: { buffer: Buffer }): Promise<Buffer>;
    decompress(buffer: Buffer): Promise<Buffer>;
  };
  export default createSnappyCodec;
}

declare module 'lz4js' {
  /** An LZ4 frame holding `data`. */
  export function compress(data: Uint8Array): Uint8Array;
  /** The bytes held in an LZ4 frame. */
  export function decompress(frame: Uint8Array): Uint8Array;
}

declare module 'lz4js/xxh32.js' {
  /** xxHash32 of `length` bytes of `data` from `start`. */
  export function hash(seed: number, data: Uint8Array, start: number, length: number): number;
}
