import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { leftoverFindings } from '../workshop/doctor/doctor.ts';
import {
  findWorkshopJvms,
  parseServerProperties,
  throwAwayFolder,
  withTag,
  type WorkshopJvm,
} from '../workshop/broker/inventory.ts';
import { markerArgument, parseMarker, parseUnmarkedBroker, type JvmMarker } from '../workshop/broker/jvm-marker.ts';
import { javacCommand } from '../workshop/broker/launcher.ts';
import { isRecordedProcess, readPidFile, writePidFile } from '../workshop/broker/pid-file.ts';
import { gracefulStopMethod } from '../workshop/broker/process.ts';
import {
  listJavaProcesses,
  parseProcStat,
  parsePsOutput,
  parseWindowsOutput,
  processStartTime,
  type ProcessSystem,
} from '../workshop/broker/process-table.ts';
import { useTempDirs } from './support/temp-dir.ts';

const makeTempDir = useTempDirs();

/** A machine of another OS, answering from canned command output and files. */
function fakeSystem(
  platform: NodeJS.Platform,
  answers: { files?: Record<string, string>; dirs?: Record<string, string[]>; commands?: Record<string, string> },
): ProcessSystem & { ran: string[] } {
  const ran: string[] = [];
  return {
    platform,
    ran,
    readFile: (file) => answers.files?.[file],
    readDir: (dir) => answers.dirs?.[dir] ?? [],
    run(command, args) {
      const line = [command, ...args].join(' ');
      ran.push(line);
      return Object.entries(answers.commands ?? {}).find(([prefix]) => line.startsWith(prefix))?.[1];
    },
  };
}

const EPHEMERAL: JvmMarker = {
  lifetime: 'ephemeral',
  dir: '/tmp/kafka-workshop-cluster-ab12/broker-1',
  root: '/tmp/kafka-workshop-cluster-ab12',
  ports: [41001, 41002],
  owner: 4242,
  tag: 'faults-1',
  stop: '/tmp/kafka-workshop-cluster-ab12/broker-1/stop',
};

describe('the JVM marker', () => {
  test('round-trips through a command line, spaces and all', () => {
    const marker: JvmMarker = { ...EPHEMERAL, dir: 'C:\\Users\\Jane Doe\\kafka & more', stop: undefined };
    const argument = markerArgument(marker);
    expect(argument).not.toMatch(/\s/);
    const commandLine = `"C:\\Program Files\\Java\\bin\\java.exe" -Xmx1g ${argument} -cp x WorkshopKafka server.properties`;
    expect(parseMarker(commandLine)).toEqual({ ...marker, stop: undefined });
  });

  test('a java command without it is not taken for a workshop JVM, unless it runs Kafka from a workshop folder', () => {
    expect(parseMarker('java -jar other.jar')).toBeUndefined();
    expect(parseUnmarkedBroker('java -jar other.jar', '/tmp')).toBeUndefined();
    expect(parseUnmarkedBroker('java -cp x kafka.Kafka /opt/kafka/config/server.properties', '/tmp')).toBeUndefined();
    expect(
      parseUnmarkedBroker('java -cp x kafka.Kafka /tmp/kafka-workshop-cluster-x1/broker-2/server.properties', '/tmp'),
    ).toEqual({ lifetime: 'ephemeral', dir: '/tmp/kafka-workshop-cluster-x1/broker-2', ports: [] });
    expect(
      parseUnmarkedBroker('java -cp x kafka.Kafka /home/ann/workshop/.workshop/kafka/server.properties', '/tmp'),
    ).toMatchObject({ lifetime: 'persistent', dir: '/home/ann/workshop/.workshop/kafka' });
  });
});

describe('process tables of each OS', () => {
  test("Linux: /proc/PID/stat's parent and start time, past a command name with spaces and parentheses", () => {
    const stat = '3067 (java (x) y) S 1 3067 3067 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 60 0 1234567 999 88';
    expect(parseProcStat(stat)).toEqual({ ppid: 1, startTime: '1234567' });
  });

  test('Linux: only java processes are listed, with their command lines', () => {
    const system = fakeSystem('linux', {
      dirs: { '/proc': ['1', '77', '88', 'self'] },
      files: {
        '/proc/77/cmdline': ['/usr/bin/java', '-Xmx1g', markerArgument(EPHEMERAL), 'WorkshopKafka', 'x'].join('\0'),
        '/proc/77/stat': '77 (java) S 4242 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 60 0 555 1 1',
        '/proc/88/cmdline': ['node', 'x.js'].join('\0'),
      },
    });
    const [java, ...others] = listJavaProcesses(system);
    expect(others).toEqual([]);
    expect(java).toMatchObject({ pid: 77, ppid: 4242, startTime: '555' });
    expect(parseMarker(java!.commandLine)).toEqual(EPHEMERAL);
  });

  test("macOS: ps's five-word start time is the token, for the list and for one pid", () => {
    const output = [
      '  501     1 Mon Jan  6 09:15:02 2025     /usr/bin/java -Xmx1g -cp x kafka.Kafka /tmp/kafka-workshop-a/server.properties',
      '  502   501 Mon Jan  6 09:16:00 2025     /bin/zsh -l',
    ].join('\n');
    expect(parsePsOutput(output)[0]).toEqual({
      pid: 501,
      ppid: 1,
      startTime: 'Mon Jan 6 09:15:02 2025',
      commandLine: '/usr/bin/java -Xmx1g -cp x kafka.Kafka /tmp/kafka-workshop-a/server.properties',
    });
    const system = fakeSystem('darwin', {
      commands: { 'ps -o lstart=': 'Mon Jan  6 09:15:02 2025\n', 'ps -axww': output },
    });
    expect(listJavaProcesses(system).map((p) => p.pid)).toEqual([501]);
    expect(processStartTime(501, system)).toBe('Mon Jan 6 09:15:02 2025');
  });

  test("Windows: PowerShell's tab-separated pid, parent, creation time and command line", () => {
    const output = `1200\t900\t133800000000000000\t"C:\\Java\\bin\\java.exe" -cp "C:\\a b\\*" kafka.Kafka x\r\n\r\n`;
    expect(parseWindowsOutput(output)).toEqual([
      {
        pid: 1200,
        ppid: 900,
        startTime: '133800000000000000',
        commandLine: '"C:\\Java\\bin\\java.exe" -cp "C:\\a b\\*" kafka.Kafka x',
      },
    ]);
    const system = fakeSystem('win32', { commands: { 'powershell.exe': output } });
    expect(processStartTime(1200, system)).toBe('133800000000000000');
    expect(system.ran[0]).toContain('ProcessId=1200');
    expect(javacCommand({ JAVA_HOME: 'C:\\jdk' }, 'win32')).toMatch(/javac\.exe$/);
  });
});

describe('pid files keep the start time (issue 19, item 6)', () => {
  const linux = (startTime: string) =>
    fakeSystem('linux', {
      files: { '/proc/4242/stat': `4242 (java) S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 60 0 ${startTime}` },
    });

  test('a pid given to another program after a reboot is not taken for the broker', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'broker.pid');
    writePidFile(file, 4242, linux('1000'));
    expect(fs.readFileSync(file, 'utf8')).toBe('4242 1000\n');
    const recorded = readPidFile(file)!;
    const alive = () => true;
    expect(isRecordedProcess(recorded, linux('1000'), alive)).toBe(true);
    expect(isRecordedProcess(recorded, linux('2000'), alive)).toBe(false);
    expect(isRecordedProcess(recorded, linux('1000'), () => false)).toBe(false);
  });

  test('a pid file from before start times were kept still works', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'broker.pid');
    fs.writeFileSync(file, '4242\n');
    expect(readPidFile(file)).toEqual({ pid: 4242 });
    expect(isRecordedProcess({ pid: 4242 }, linux('1'), () => true)).toBe(true);
  });
});

test('a graceful stop on Windows goes through the stop file, since kill there is always a hard kill (issue 19, item 9)', () => {
  expect(gracefulStopMethod('win32', 'C:\\k\\stop')).toBe('stop-file');
  expect(gracefulStopMethod('win32', undefined)).toBe('none');
  expect(gracefulStopMethod('linux', undefined)).toBe('SIGTERM');
  expect(gracefulStopMethod('darwin', '/k/stop')).toBe('stop-file');
});

describe('the inventory of workshop JVMs', () => {
  const system = fakeSystem('linux', {
    dirs: { '/proc': ['10', '11', '12'] },
    files: {
      '/proc/10/cmdline': ['java', markerArgument(EPHEMERAL), 'WorkshopKafka', 'x'].join('\0'),
      '/proc/10/stat': '10 (java) S 4242 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 60 0 5',
      '/proc/11/cmdline': ['java', '-cp', 'x', 'kafka.Kafka', '/tmp/kafka-workshop-old/server.properties'].join('\0'),
      '/proc/11/stat': '11 (java) S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 60 0 6',
      '/tmp/kafka-workshop-old/server.properties':
        'process.roles=broker,controller\nlisteners=PLAINTEXT://127.0.0.1:45001,CONTROLLER://127.0.0.1:45002\n',
      '/proc/12/cmdline': ['java', '-jar', 'ide.jar'].join('\0'),
    },
  });

  test('finds marked and unmarked JVMs; a throw-away one whose owner is gone is a leftover', () => {
    const jvms = findWorkshopJvms(system, (pid) => pid === 4242, '/tmp');
    expect(jvms.map((j) => [j.pid, j.marked, j.leftover, j.ports])).toEqual([
      [10, true, false, [41001, 41002]],
      [11, false, true, [45001, 45002]],
    ]);
    expect(findWorkshopJvms(system, () => false, '/tmp').every((j) => j.leftover)).toBe(true);
    const findings = leftoverFindings(findWorkshopJvms(system, (pid) => pid === 4242, '/tmp'));
    expect(findings.problems).toBe(0);
    expect(findings.lines.join('\n')).toMatch(
      /1 Kafka JVM left over[\s\S]*pid 11: throw-away broker, ports 45001, 45002, data in \/tmp\/kafka-workshop-old — LEFT OVER[\s\S]*npm run kafka:stop -- --all/,
    );
  });

  test('a tag limits --all to the JVMs a test started', () => {
    const jvms = findWorkshopJvms(system, () => true, '/tmp');
    expect(withTag(jvms, 'faults-1').map((j) => j.pid)).toEqual([10]);
    expect(withTag(jvms, 'someone-else')).toEqual([]);
    expect(withTag(jvms, undefined)).toHaveLength(2);
  });

  test('only folders the workshop makes in the temp folder are ever deleted', () => {
    const jvm = (marker: Partial<JvmMarker>): WorkshopJvm => ({
      pid: 1,
      marked: true,
      role: 'broker',
      ports: [],
      leftover: true,
      marker: { ...EPHEMERAL, ...marker },
    });
    expect(throwAwayFolder(jvm({}))).toBe('/tmp/kafka-workshop-cluster-ab12');
    expect(throwAwayFolder(jvm({ root: undefined, dir: '/tmp/kafka-workshop-cluster-ab12/broker-1' }))).toBe(
      '/tmp/kafka-workshop-cluster-ab12',
    );
    expect(throwAwayFolder(jvm({ root: '/home/ann' }))).toBeUndefined();
    expect(throwAwayFolder(jvm({ root: undefined, dir: '/' }))).toBeUndefined();
  });

  test("server.properties tells a node's ports and role", () => {
    expect(
      parseServerProperties('process.roles=controller\nlisteners=CONTROLLER://127.0.0.1:9095\nnode.id=0\n'),
    ).toEqual({ ports: [9095], role: 'controller' });
  });
});
