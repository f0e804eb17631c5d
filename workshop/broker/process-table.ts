import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Which processes run on this machine, with their start times: how the workshop finds its JVMs
 * (kafka:status, kafka:stop -- --all, the doctor) and tells a pid file's process from a stranger
 * that was given the same pid after a reboot. Each OS answers differently, so the OS is a
 * parameter and each answer has a parser that the tests feed with that OS's output.
 */
export interface ProcessInfo {
  pid: number;
  ppid?: number;
  /** An opaque token that differs between two processes that had the same pid. */
  startTime?: string;
  commandLine: string;
}

export interface ProcessSystem {
  platform: NodeJS.Platform;
  readFile(file: string): string | undefined;
  readDir(dir: string): string[];
  /** stdout of a command that exited 0, else undefined. */
  run(command: string, args: string[]): string | undefined;
}

export const realSystem: ProcessSystem = {
  platform: process.platform,
  readFile(file) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  readDir(dir) {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  },
  run(command, args) {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20_000, windowsHide: true });
    return result.error || result.status !== 0 ? undefined : result.stdout;
  },
};

/** Linux's /proc/PID/stat: the fields after the command name (which may hold spaces and parentheses). */
export function parseProcStat(stat: string): { ppid: number; startTime: string } | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // field 4 is the parent, field 22 the start time in clock ticks since boot (man 5 proc)
  const ppid = Number(fields[1]);
  const startTime = fields[19];
  return Number.isInteger(ppid) && startTime ? { ppid, startTime } : undefined;
}

/** macOS's `ps -axww -o pid=,ppid=,lstart=,command=`: lstart is five words such as "Mon Jan  6 09:15:02 2025". */
export function parsePsOutput(output: string): ProcessInfo[] {
  const rows: ProcessInfo[] = [];
  for (const line of output.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec(line);
    if (match)
      rows.push({
        pid: Number(match[1]),
        ppid: Number(match[2]),
        startTime: match[3]!.replace(/\s+/g, ' '),
        commandLine: match[4]!,
      });
  }
  return rows;
}

const WINDOWS_FIELDS =
  '"{0}`t{1}`t{2}`t{3}" -f $_.ProcessId,$_.ParentProcessId,$_.CreationDate.ToFileTimeUtc(),$_.CommandLine';

/** The PowerShell line that lists processes as pid, parent, creation time and command line, tab-separated. */
export function windowsProcessQuery(filter: string): string[] {
  return [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    `Get-CimInstance Win32_Process -Filter "${filter}" | ForEach-Object { ${WINDOWS_FIELDS} }`,
  ];
}

export function parseWindowsOutput(output: string): ProcessInfo[] {
  const rows: ProcessInfo[] = [];
  for (const line of output.split(/\r?\n/)) {
    const [pid, ppid, startTime, ...command] = line.split('\t');
    if (!pid || !/^\d+$/.test(pid.trim())) continue;
    rows.push({ pid: Number(pid), ppid: Number(ppid), startTime: startTime?.trim(), commandLine: command.join('\t') });
  }
  return rows;
}

/** Every running java process with its command line (the broker's markers are on it). */
export function listJavaProcesses(system: ProcessSystem = realSystem): ProcessInfo[] {
  switch (system.platform) {
    case 'linux':
      return system.readDir('/proc').flatMap((entry) => {
        if (!/^\d+$/.test(entry)) return [];
        const argv = system.readFile(`/proc/${entry}/cmdline`)?.split('\0').filter(Boolean) ?? [];
        if (!/(^|[/\\])java(\.exe)?$/.test(argv[0] ?? '')) return [];
        const stat = parseProcStat(system.readFile(`/proc/${entry}/stat`) ?? '');
        return [{ pid: Number(entry), ...stat, commandLine: argv.join(' ') }];
      });
    case 'win32':
      return parseWindowsOutput(system.run('powershell.exe', windowsProcessQuery("Name='java.exe'")) ?? '');
    default:
      return parsePsOutput(system.run('ps', ['-axww', '-o', 'pid=,ppid=,lstart=,command=']) ?? '').filter((row) =>
        /(^|\/)java\s/.test(row.commandLine),
      );
  }
}

/** When `pid` started, as a token to compare; undefined when it is not running or the OS will not say. */
export function processStartTime(pid: number, system: ProcessSystem = realSystem): string | undefined {
  switch (system.platform) {
    case 'linux':
      return parseProcStat(system.readFile(`/proc/${pid}/stat`) ?? '')?.startTime;
    case 'win32':
      return parseWindowsOutput(system.run('powershell.exe', windowsProcessQuery(`ProcessId=${pid}`)) ?? '')[0]
        ?.startTime;
    default: {
      const lstart = system.run('ps', ['-o', 'lstart=', '-p', String(pid)])?.trim();
      return lstart ? lstart.replace(/\s+/g, ' ') : undefined;
    }
  }
}
