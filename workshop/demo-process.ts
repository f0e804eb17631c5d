import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PROGRAM_LAUNCHER, PROJECT_ROOT } from './paths.ts';

/** One line a demo program printed, with the moment this process read it (performance.now()). */
export interface OutputLine {
  text: string;
  at: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type DemoProgram = 'simulator' | 'monitor' | 'fraud' | 'processor' | 'offsets' | 'failover' | 'balances';

export interface LaunchOptions {
  /**
   * 'node' (the default) starts the program itself; 'npm' starts `npm run -s <program>`, as a
   * learner or a process manager does, so signals go to npm (npm → sh → node), in a process
   * group of its own, as a terminal makes one.
   */
  via?: 'node' | 'npm';
  /** npm's own options, before `run` (say --script-shell=bash). */
  npmOptions?: readonly string[];
  /** Node's options for the program started directly (say --cpu-prof). */
  nodeOptions?: readonly string[];
}

export interface WatchOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  /** A process group of its own, as a terminal makes one: pressCtrlC and kill reach every process in it. */
  ownGroup?: boolean;
}

/**
 * A program running as a child process, its output read line by line: waits are on lines,
 * with a bound, never on the clock. DemoProcess runs the workshop's own programs; the interop
 * tests run other clients (Kafka's Java tools, kcat, Python) the same way.
 */
export class WatchedProcess {
  readonly lines: OutputLine[] = [];
  stderr = '';
  private exit: Exit | undefined;
  private readonly events = new EventEmitter();
  private readonly child: ChildProcess;
  private readonly ownGroup: boolean;

  constructor(
    /** The name messages use for it. */
    readonly program: string,
    command: string,
    args: readonly string[],
    options: WatchOptions = {},
  ) {
    this.ownGroup = options.ownGroup ?? false;
    this.child = spawn(command, args, {
      cwd: PROJECT_ROOT,
      env: options.env ?? process.env,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
      detached: this.ownGroup,
    });
    if (options.stdin !== undefined) this.child.stdin!.end(options.stdin);
    // a command that cannot start (not installed) ends like one that failed, with the reason in stderr
    this.child.once('error', (error) => {
      this.stderr += `could not start ${command}: ${error.message}`;
      this.exit ??= { code: null, signal: null };
      this.events.emit('change');
    });
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const at = performance.now();
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const text of parts) this.lines.push({ text, at });
      this.events.emit('change');
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.once('close', (code, signal) => {
      this.exit = { code, signal };
      this.events.emit('change');
    });
  }

  /** The text of every line matching `pattern`. */
  matching(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line.text)).map((line) => line.text);
  }

  /** Waits for the first line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<OutputLine> {
    return waitForOutput([this], () => this.lines.find((line) => pattern.test(line.text)), {
      timeoutMs,
      expected: `${this.program} to print a line matching ${pattern}`,
    });
  }

  /**
   * SIGINT (or, with `signal`, say a SIGTERM from `docker stop`) to the process started, then
   * waits for the program to finish its shutdown. Started through npm, that process is npm.
   */
  async interrupt(timeoutMs = 15_000, signal: NodeJS.Signals = 'SIGINT'): Promise<Exit> {
    if (!this.exit) this.child.kill(signal);
    return this.waitForExit(timeoutMs);
  }

  /** Ctrl+C in a terminal: SIGINT to every process of the group (say npm, its shell, the program). */
  async pressCtrlC(timeoutMs = 15_000): Promise<Exit> {
    if (!this.ownGroup) throw new Error('pressCtrlC needs a process started in a group of its own');
    if (!this.exit) process.kill(-this.child.pid!, 'SIGINT');
    return this.waitForExit(timeoutMs);
  }

  waitForExit(timeoutMs = 15_000): Promise<Exit> {
    return waitForOutput([this], () => this.exit, {
      timeoutMs,
      expected: `${this.program} to exit`,
      evenAfterExit: true,
    });
  }

  /** Cleanup for a test that failed half-way: no child outlives its test. */
  kill(): void {
    if (this.exit) return;
    if (this.ownGroup) {
      // the whole group: a program that npm's shell left behind is in it too
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    } else this.child.kill('SIGKILL');
  }

  /** @internal */
  onChange(listener: () => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  /** @internal */
  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  describe(): string {
    const last = this.lines.slice(-5).map((line) => line.text);
    const status = this.exit ? `exited (code ${this.exit.code}, signal ${this.exit.signal})` : 'running';
    return `${this.program} ${status}; last lines: ${JSON.stringify(last)}${this.stderr ? `; stderr: ${JSON.stringify(this.stderr.slice(-500))}` : ''}`;
  }
}

/**
 * A demo program (demo/<program>.ts) running as a real child process against a broker, as a
 * learner runs it, for the end-to-end tests and the bench.
 */
export class DemoProcess extends WatchedProcess {
  declare readonly program: DemoProgram;

  constructor(
    program: DemoProgram,
    args: readonly string[],
    brokers: readonly string[],
    readonly launch: LaunchOptions = {},
  ) {
    super(program, ...demoCommand(program, args, brokers, launch));
  }
}

function demoCommand(
  program: DemoProgram,
  args: readonly string[],
  brokers: readonly string[],
  launch: LaunchOptions,
): [string, string[], WatchOptions] {
  const env = { ...process.env, KAFKA_BROKERS: brokers.join(','), FORCE_COLOR: '0' };
  if (launch.via !== 'npm')
    return [
      process.execPath,
      [...(launch.nodeOptions ?? []), PROGRAM_LAUNCHER, `demo/${program}.ts`, ...args],
      { env },
    ];
  return [
    'npm',
    [...(launch.npmOptions ?? []), 'run', '-s', program, '--', ...args],
    // not the test run's variables of npm: this npm runs the script as a learner's would
    { env: Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('npm_'))), ownGroup: true },
  ];
}

/**
 * Resolves with the first value `probe` returns (checked whenever one of the programs prints or
 * exits), or fails after `timeoutMs` with what was expected and what the programs last printed.
 * It also fails early when a program exits before the condition holds, since it never will.
 */
export function waitForOutput<T>(
  processes: readonly WatchedProcess[],
  probe: () => T | undefined,
  options: { timeoutMs?: number; expected: string; evenAfterExit?: boolean },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unsubscribe: Array<() => void> = [];
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      unsubscribe.forEach((off) => off());
      outcome();
    };
    const failure = (why: string) =>
      new Error(`${why} waiting for ${options.expected}. ${processes.map((p) => p.describe()).join(' | ')}`);
    const check = () => {
      const value = probe();
      if (value !== undefined) return finish(() => resolve(value));
      const gone = processes.find((p) => p.hasExited);
      if (gone && !options.evenAfterExit) finish(() => reject(failure(`${gone.program} exited while`)));
    };
    const timeoutMs = options.timeoutMs ?? 15_000;
    const timer = setTimeout(() => finish(() => reject(failure(`Gave up after ${timeoutMs / 1000} s`))), timeoutMs);
    for (const p of processes) unsubscribe.push(p.onChange(check));
    check();
  });
}
