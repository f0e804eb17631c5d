import { describe, expect, test } from 'vitest';
import { previewBytes, previewKey } from '../../dashboard/preview.ts';

describe('previewBytes: a value as one short, printable line', () => {
  test('JSON and plain text are shown as they are', () => {
    expect(previewBytes(Buffer.from('{"account":1234,"amount":150.5}'))).toBe('{"account":1234,"amount":150.5}');
    expect(previewBytes(Buffer.from('héllo <b>'))).toBe('héllo <b>');
  });

  test('control characters are escaped, so a value never breaks the line', () => {
    expect(previewBytes(Buffer.from('a\nb\tc\r\u0000\u001b[31m\u2028'))).toBe('a\\nb\\tc\\r\\x00\\x1b[31m\\u2028');
  });

  test('bytes that are not UTF-8 are shown as \\xNN, printable ASCII as it is', () => {
    expect(previewBytes(Buffer.from([0x00, 0xff, 0x41, 0x5c]))).toBe('\\x00\\xffA\\x5c');
  });

  test('a long value is cut, with its size', () => {
    const preview = previewBytes(Buffer.from('x'.repeat(1_048_576)));
    expect(preview).toBe(`${'x'.repeat(79)}… (1048576 bytes)`);
  });

  test('null and empty values say so; a missing key is null', () => {
    expect(previewBytes(null)).toBe('null');
    expect(previewBytes(Buffer.alloc(0))).toBe('(empty)');
    expect(previewKey(null)).toBeNull();
    expect(previewKey(Buffer.from('ACC-1234'))).toBe('ACC-1234');
  });
});
