/**
 * The Confluent wire format, which Avro (and Protobuf, and JSON Schema) messages use when a
 * schema registry is involved: a zero byte (the "magic byte"), the schema's id in the registry
 * as 4 big-endian bytes, then the encoded record. JSON text never starts with a zero byte, so
 * the first byte tells the two formats on a topic apart.
 */
export const MAGIC_BYTE = 0;
export const HEADER_BYTES = 5;

/** Whether a value is framed as the Confluent wire format: a reader must go through the registry. */
export function isConfluentFramed(value: Buffer | string | null | undefined): boolean {
  return Buffer.isBuffer(value) && value.length > 0 && value[0] === MAGIC_BYTE;
}

/** The schema id of a framed value, or undefined when the value is too short to hold one. */
export function schemaIdOf(value: Buffer): number | undefined {
  return value.length >= HEADER_BYTES ? value.readInt32BE(1) : undefined;
}

/**
 * Why a reader that went through the registry could not decode a value, kept for the JSON
 * decoder's message. One map per process, not per copy of this module: a live program runs
 * compiled, with this module built in, while the learner's code it loads imports the module
 * again through tsx (workshop/platform/typescript-import.mjs), and the two must meet here.
 */
const UNDECODABLE = Symbol.for('kafka-workshop.undecodable-values');
const undecodable = ((globalThis as { [UNDECODABLE]?: WeakMap<Buffer, string> })[UNDECODABLE] ??= new WeakMap());

export function noteUndecodable(value: Buffer, reason: string): void {
  undecodable.set(value, reason);
}

/** One line about a framed value that reached a JSON decoder: what it is, and why it was not read. */
export function describeFramed(value: Buffer): string {
  const id = schemaIdOf(value);
  const what =
    id === undefined
      ? `the value starts with a zero byte but is only ${value.length} byte${value.length === 1 ? '' : 's'} long, too short for the Confluent wire format`
      : `the value is in the Confluent wire format (magic byte 0, schema id ${id}), not JSON`;
  const why = undecodable.get(value);
  return why ? `${what}: ${why}` : `${what}; read it through a schema registry (lesson 09)`;
}
