import { expect, test } from 'vitest';
import { javaCommand, parseJavaMajorVersion } from '../workshop/broker/java.ts';

test.each([
  ['openjdk version "17.0.15" 2025-04-15', 17],
  ['openjdk version "21" 2023-09-19', 21],
  ['java version "1.8.0_392"', 8],
  ['openjdk version "25-ea" 2025-09-16', 25],
  ['bash: java: command not found', undefined],
])('parseJavaMajorVersion(%j) is %j', (output, major) => {
  expect(parseJavaMajorVersion(output)).toBe(major);
});

test('JAVA_HOME decides which java runs the broker, as for the JDK tools', () => {
  expect(javaCommand({ JAVA_HOME: '/opt/jdk' })).toMatch(/^\/opt\/jdk[\\/]bin[\\/]java(\.exe)?$/);
  expect(javaCommand({})).toBe('java');
});
