import { describe, expect, test } from 'vitest';
import { batchCommandSpawn, cmdCommandLine, quoteForCmd } from '../../workshop/platform/cmd-line.ts';
import { argvThroughCmdAndBatch } from '../support/cmd-model.ts';

/** Folders a room of Windows laptops really has: a space, OneDrive's " - ", an &, parentheses, a ^ and a %. */
const POM = 'C:\\Users\\Jane Doe\\OneDrive - Contoso\\R&D (2026)\\kafka^workshop\\workshop\\broker\\pom.xml';
const PARTIAL = 'C:\\Users\\Jane Doe\\.cache\\kafka-workshop\\kafka-4.1.2\\libs.partial-4242';
// cmd.exe expands %NAME% even inside quotes; these are set, so an unprotected % would change the path
const ENV = { USERNAME: 'mallory', prod: 'X' };

describe('Maven on Windows: one command line, quoted for cmd.exe (issue 19, item 2)', () => {
  const args = [
    '-B',
    '-f',
    POM,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${PARTIAL}`,
    '-DincludeScope=runtime',
    '-D%prod.quarkus.package.type=fast-jar',
    'C:\\100%USERNAME%\\x\\',
  ];

  test('every argument reaches Maven whole, through cmd.exe and mvn.cmd', () => {
    const line = cmdCommandLine('mvn.cmd', args);
    expect(argvThroughCmdAndBatch(line, ENV)).toEqual(['mvn.cmd', ...args]);
  });

  test('the old way (arguments joined by spaces, as Node does with shell: true) split the pom and ran "D (2026)…" as a command', () => {
    expect(() => argvThroughCmdAndBatch(['mvn.cmd', ...args].join(' '), ENV)).toThrow(/another command/);
    const spaceOnly = ['mvn.cmd', '-f', 'C:\\Users\\Jane Doe\\pom.xml'].join(' ');
    expect(argvThroughCmdAndBatch(spaceOnly, ENV)).toEqual(['mvn.cmd', '-f', 'C:\\Users\\Jane', 'Doe\\pom.xml']);
  });

  test('plain words stay as they are; what needs it is quoted', () => {
    expect(quoteForCmd('-B')).toBe('-B');
    expect(quoteForCmd('C:\\Jane Doe\\pom.xml')).toBe('"C:\\Jane Doe\\pom.xml"');
    expect(quoteForCmd('C:\\a&b')).toBe('"C:\\a&b"');
    expect(quoteForCmd('50%')).toBe('"50"^%""');
    expect(() => quoteForCmd('say "hi"')).toThrow(/double quote/);
  });

  test('on Windows it is one string for cmd.exe; elsewhere mvn gets its arguments as they are, without a shell', () => {
    expect(batchCommandSpawn('mvn.cmd', ['-f', POM], 'win32')).toEqual({
      command: `mvn.cmd -f ${quoteForCmd(POM)}`,
      args: [],
      shell: true,
    });
    expect(batchCommandSpawn('mvn', ['-f', '/a b/pom.xml'], 'linux')).toEqual({
      command: 'mvn',
      args: ['-f', '/a b/pom.xml'],
      shell: false,
    });
  });
});
