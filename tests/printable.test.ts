import { expect, test } from 'vitest';
import { printable } from '../checks/support/printable.ts';

test('text stays readable, control characters and quotes are escaped', () => {
  expect(printable('1234')).toBe('"1234"');
  expect(printable(Buffer.from('{"amount":12.5}\n'))).toBe('"{\\"amount\\":12.5}\\n"');
  expect(printable(Buffer.from('a\u0000b\u007f'))).toBe('"a\\x00b\\x7f"');
  expect(printable('Zürich €')).toBe('"Zürich €"');
  expect(printable(null)).toBe('null');
});

test('bytes that are not UTF-8 are escaped one by one, never printed raw', () => {
  expect(printable(Buffer.from([0xff, 0x41, 0x00, 0xc3]))).toBe('"\\xffA\\x00\\xc3"');
});

test('a long value is cut, saying how long it was', () => {
  const shown = printable(Buffer.alloc(1_048_576, 0x61), 10);
  expect(shown).toBe('"aaaaaaaaaa"… (1,048,576 bytes)');
});
