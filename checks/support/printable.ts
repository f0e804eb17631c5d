const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A key or value as a learner can read it in a terminal: quoted text when the bytes are UTF-8,
 * with control characters escaped, and \xNN for every byte that is not printable ASCII when
 * they are not. Long ones are cut, saying how long they were. Raw bytes would garble the screen.
 */
export function printable(value: Buffer | string | null | undefined, max = 60): string {
  if (value === null || value === undefined) return 'null';
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const head = bytes.subarray(0, max);
  let text: string;
  try {
    text = escapeControls(utf8.decode(head));
  } catch {
    // not UTF-8 (or cut in the middle of a character): byte by byte
    text = [...head].map((byte) => (byte >= 0x20 && byte < 0x7f ? escapeAscii(byte) : hex(byte))).join('');
  }
  const cut = bytes.length > max ? `… (${bytes.length.toLocaleString('en-US')} bytes)` : '';
  return `"${text}"${cut}`;
}

const hex = (byte: number) => `\\x${byte.toString(16).padStart(2, '0')}`;
const escapeAscii = (byte: number) => (byte === 0x22 ? '\\"' : byte === 0x5c ? '\\\\' : String.fromCharCode(byte));

function escapeControls(text: string): string {
  return [...text]
    .map((char) => {
      const code = char.codePointAt(0)!;
      if (char === '\n') return '\\n';
      if (char === '\t') return '\\t';
      if (code < 0x20 || code === 0x7f) return hex(code);
      return code < 0x80 ? escapeAscii(code) : char;
    })
    .join('');
}
