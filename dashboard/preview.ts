/** How much of a value the lanes show: enough to recognise a transaction, short enough for one line. */
export const PREVIEW_CHARS = 80;

/**
 * A message's key or value as one short, printable line. Kafka values are bytes: a learner's
 * JSON, a neighbour's plain text, a serializer's binary. Text is shown as text; anything that
 * is not valid UTF-8, and every control character, is shown escaped (\x00, \n), so a value can
 * never break the line or the page. The page inserts it as text, never as HTML.
 */
export function previewBytes(bytes: Buffer | null, maxChars = PREVIEW_CHARS): string {
  if (bytes === null) return 'null';
  if (bytes.length === 0) return '(empty)';
  const text = isUtf8(bytes) ? escapeControls(bytes.toString('utf8')) : escapeBinary(bytes);
  return shorten(text, bytes.length, maxChars);
}

/** The preview of a key: a missing key says so, as Kafka's own tools do. */
export function previewKey(bytes: Buffer | null): string | null {
  return bytes === null ? null : previewBytes(bytes, 40);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** C0 and C1 control characters and the two Unicode line breaks: what must never reach the page raw. */
// eslint-disable-next-line no-control-regex -- finding control characters is this expression's job
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControls(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const code = char.charCodeAt(0);
    return named[char] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
  });
}

/** Printable ASCII as it is, every other byte as \xNN: how kcat and Kafka's console consumer show binary. */
function escapeBinary(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes.subarray(0, PREVIEW_CHARS * 4)) {
    text += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${hex(byte, 2)}`;
  }
  return text;
}

function shorten(text: string, byteLength: number, maxChars: number): string {
  const chars = [...text];
  if (chars.length <= maxChars) return text;
  return `${chars.slice(0, maxChars - 1).join('')}… (${byteLength} bytes)`;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
