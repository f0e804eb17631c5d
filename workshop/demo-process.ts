import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

/** One line a demo program printed, with the moment this process read it (performance.now()). */
export interface OutputLine {
  text: string;
  at: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type DemoProgram = 'simulator' | 'monitor' | 'fraud';

/**
 * A demo program (demo/<program>.ts) running as a real child process against a broker, as a
 * learner runs it, for the end-to-end tests and the bench. Its output is read line by line, and
 * waits are on lines, with a bound: never on the clock.
 */
export class DemoProcess {
  readonly lines: OutputLine[] = [];
  stderr = '';
  private exit: Exit | undefined;
  private readonly events = new EventEmitter();
  private readonly child: ChildProcess;

  constructor(
    readonly program: DemoProgram,
    args: readonly string[],
    brokers: readonly string[],
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join('demo', `${program}.ts`), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, KAFKA_BROKERS: brokers.join(','), FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
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

  /** Ctrl+C, then waits for the program to finish its shutdown. */
  async interrupt(timeoutMs = 15_000): Promise<Exit> {
    if (!this.exit) this.child.kill('SIGINT');
    return this.waitForExit(timeoutMs);
  }

  waitForExit(timeoutMs = 15_000): Promise<Exit> {
    return waitForOutput([this], () => this.exit, { timeoutMs, expected: `${this.program} to exit`, evenAfterExit: true });
  }

  /** Cleanup for a test that failed half-way: no child outlives its test. */
  kill(): void {
    if (!this.exit) this.child.kill('SIGKILL');
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
 * Resolves with the first value `probe` returns (checked whenever one of the programs prints or
 * exits), or fails after `timeoutMs` with what was expected and what the programs last printed.
 * It also fails early when a program exits before the condition holds, since it never will.
 */
export function waitForOutput<T>(
  processes: readonly DemoProcess[],
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
    const failure = (why: string) => new Error(`${why} waiting for ${options.expected}. ${processes.map((p) => p.describe()).join(' | ')}`);
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
