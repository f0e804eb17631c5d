import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './broker/ports.ts';
import { PROGRAM_LAUNCHER, PROJECT_ROOT } from './paths.ts';

/**
 * `npm run dashboard` as a real child process, on a free port, with the environment a learner
 * would give it, for the browser tests and the bench. start() resolves with the page's address
 * once the server listens.
 */
export class DashboardProcess {
  output = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  private constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [PROGRAM_LAUNCHER, 'dashboard/main.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!])
      stream.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  static async start(
    args: string[],
    env: NodeJS.ProcessEnv,
    timeoutMs = 30_000,
  ): Promise<{ dashboard: DashboardProcess; url: string }> {
    const port = await freePort();
    const dashboard = new DashboardProcess(['--port', String(port), ...args], env);
    const url = await dashboard.waitForOutput(/Dashboard.* at (http:\/\/127\.0\.0\.1:\d+\/)/, timeoutMs);
    return { dashboard, url };
  }

  /** The first capture group of the first output matching `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(
        () => finish(`no output matching ${pattern} within ${timeoutMs / 1000} s`),
        timeoutMs,
      );
      const look = () => {
        const match = pattern.exec(this.output);
        if (match) {
          clearTimeout(deadline);
          clearInterval(poll);
          resolve(match[1] ?? match[0]);
        }
      };
      const finish = (why: string) => {
        clearInterval(poll);
        reject(new Error(`The dashboard gave ${why}. It printed: ${JSON.stringify(this.output.slice(-800))}`));
      };
      const poll = setInterval(look, 50);
      void this.exited.then((code) => {
        look();
        clearTimeout(deadline);
        finish(`up: it exited with code ${code}`);
      });
      look();
    });
  }

  /** Ctrl+C, then the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
