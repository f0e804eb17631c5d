import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROGRAM_LAUNCHER, PROJECT_ROOT, STATE_DIR } from '../paths.ts';
import { writeFileAtomically } from '../platform/atomic-write.ts';

/**
 * `npm run check` spends about half a second loading vitest and starting the type checker
 * before a single check runs. After a first check, a check server keeps them loaded: the next
 * `npm run check lesson-NN` hands its lesson over a local socket and prints what comes back.
 * Like Gradle's daemon, it is started by the first run, ends by itself after a while without
 * work, and serves only the very build and environment it was started with; any doubt (busy,
 * out of date, no answer) and the check simply runs in its own process, as before.
 * WORKSHOP_CHECK_SERVER=off turns it off.
 */

export interface CheckRequest {
  lesson: string;
  solution: boolean;
}

/** What the run reports, line by line, and how it ends. */
export type CheckHandler = (request: CheckRequest, print: (line: string) => void, stop: AbortSignal) => Promise<number>;

type Message =
  | { accepted: true }
  | { line: string }
  | { exit: number }
  /** The run failed as a program fails: one line for stderr, exit code 1. */
  | { failure: string }
  | { declined: 'busy' | 'stale' };
interface Envelope extends CheckRequest {
  build: string;
  env: string;
}

/** Ten minutes: a learner reads a lesson and edits between two checks. */
const DEFAULT_IDLE_MS = 10 * 60_000;
/** A fresh process now and then: whatever a run leaves behind does not pile up. */
const MAX_RUNS = 100;
/** A server that does not even take the request this fast is not worth waiting for. */
const ACCEPT_TIMEOUT_MS = 2000;
/** How often the server looks whether its project (a test's copy, say) is still there. */
const LOOK_AROUND_MS = 30_000;
/** Set by launch.mjs: the compiled program this process runs, named by its content. */
const BUILD_KEY = Symbol.for('kafka-workshop.compiled-entry');
/** Variables that differ between two runs of the same command without changing what it does. */
const VOLATILE_VARIABLE = /^(npm_.*|_|PWD|OLDPWD|SHLVL|INIT_CWD|COLUMNS|LINES|WORKSHOP_CHECK_SERVE)$/i;

export const CHECK_SERVER_FILE = path.join(STATE_DIR, 'check-server.json');
/** The environment as the program started, before a check run sets variables of its own for the checks. */
const STARTING_ENV: NodeJS.ProcessEnv = { ...process.env };

/** The compiled build this process runs; undefined when it runs through tsx, which a server does not serve. */
function currentBuild(): string | undefined {
  return (globalThis as Record<symbol, string | undefined>)[BUILD_KEY];
}

export function checkServerWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.WORKSHOP_CHECK_SERVER !== 'off' && currentBuild() !== undefined;
}

/** In the process started to be the server (see startCheckServer): the check that started it, which comes again next, most likely. */
export function checkServerFirstRequest(env: NodeJS.ProcessEnv = process.env): CheckRequest | undefined {
  const [lesson, target] = env.WORKSHOP_CHECK_SERVE?.split(' ') ?? [];
  return lesson ? { lesson, solution: target === 'solutions' } : undefined;
}

/** Unix sockets have room for 104 bytes of path on macOS, 108 on Linux. */
const MAX_SOCKET_PATH = 100;

/**
 * One socket per project: in the project's own .workshop/, where only its owner can reach it;
 * when that path is too long for a socket, in a folder of this user's own in the temp folder.
 */
export function checkServerSocket(root = PROJECT_ROOT, platform = process.platform): string {
  const id = createHash('sha256').update(root).digest('hex').slice(0, 12);
  if (platform === 'win32') return `\\\\.\\pipe\\kafka-workshop-checks-${id}`;
  const inProject = path.join(root, '.workshop', 'check.sock');
  if (Buffer.byteLength(inProject) <= MAX_SOCKET_PATH) return inProject;
  return path.join(os.tmpdir(), `kafka-workshop-${process.getuid?.() ?? 0}`, `checks-${id}.sock`);
}

/**
 * Whether the socket's folder belongs to this user alone. In a shared temp folder another user
 * could make it first, then answer checks with results of their own.
 */
function privateFolder(socket: string, create: boolean): boolean {
  if (process.platform === 'win32') return true;
  const folder = path.dirname(socket);
  try {
    if (create) fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(folder);
    const mine = process.getuid === undefined || stat.uid === process.getuid();
    return stat.isDirectory() && mine && (folder.endsWith(`${path.sep}.workshop`) || (stat.mode & 0o077) === 0);
  } catch {
    return false;
  }
}

/** The environment the learner's code would see, as one hash: a server started with another one does not serve. */
export function environmentFingerprint(env: NodeJS.ProcessEnv = STARTING_ENV): string {
  const hash = createHash('sha256');
  for (const [key, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!VOLATILE_VARIABLE.test(key)) hash.update(`${key}=${value ?? ''}\0`);
  }
  return hash.digest('hex');
}

/**
 * Runs the check on the server when one is there for this build and environment and free:
 * its exit code, after printing its lines; 'busy' when the server is running another check, and
 * undefined when there is no server to use: in both the caller runs the check itself.
 */
export function checkOnServer(
  request: CheckRequest,
  print: (line: string) => void,
): Promise<number | 'busy' | undefined> {
  const build = currentBuild();
  if (!checkServerWanted() || !build) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const where = checkServerSocket();
    if (!privateFolder(where, false)) return resolve(undefined);
    const socket = net.createConnection(where);
    let settled = false;
    let printed = false;
    const finish = (code: number | 'busy' | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(acceptTimer);
      socket.destroy();
      resolve(code);
    };
    const acceptTimer = setTimeout(() => finish(undefined), ACCEPT_TIMEOUT_MS);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      const envelope: Envelope = { ...request, build, env: environmentFingerprint() };
      socket.write(`${JSON.stringify(envelope)}\n`);
    });
    readMessages(socket, (received) => {
      const message = received as Message;
      if ('accepted' in message) clearTimeout(acceptTimer);
      else if ('line' in message) {
        printed = true;
        print(message.line);
      } else if ('exit' in message) finish(message.exit);
      else if ('failure' in message) {
        process.stderr.write(`❌ ${message.failure}\n`);
        finish(1);
      } else finish('declined' in message && message.declined === 'busy' ? 'busy' : undefined);
    });
    socket.on('close', () => {
      // the server went away in the middle (the learner's code ended its process, say): the check runs again here
      if (printed && !settled)
        print('⚠️  The check server stopped during the run: running the checks again in this process.');
      finish(undefined);
    });
  });
}

/** Starts a check server for this project in the background, for the next check (most likely `request` again) to use. */
export function startCheckServer(request: CheckRequest): void {
  if (!checkServerWanted()) return;
  const child = spawn(process.execPath, [PROGRAM_LAUNCHER, 'workshop/cli/check.ts'], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: 'ignore',
    windowsHide: true,
    env: { ...STARTING_ENV, WORKSHOP_CHECK_SERVE: `${request.lesson} ${request.solution ? 'solutions' : 'lessons'}` },
  });
  child.on('error', () => undefined);
  child.unref();
}

/** Ends this project's check server, if one runs. */
export function stopCheckServer(): void {
  const pid = readServerFile()?.pid;
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // gone already
  }
}

/** What the server wrote of itself; `file` is another project's (a test's copy, say). */
export function readServerFile(file = CHECK_SERVER_FILE): { pid: number; runs: number } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number; runs: number };
  } catch {
    return undefined;
  }
}

/**
 * Serves check requests, one at a time, until it has been idle for a while, its project or its
 * socket is gone, it is out of date, or it has served MAX_RUNS; then it ends the process.
 */
export async function serveChecks(handle: CheckHandler, describeFailure: (error: unknown) => string): Promise<void> {
  const build = currentBuild();
  if (!build) return;
  const env = environmentFingerprint();
  const where = checkServerSocket();
  const idleMs = Number(process.env.WORKSHOP_CHECK_SERVER_IDLE_MS) || DEFAULT_IDLE_MS;
  let busy = false;
  let runs = 0;
  let idleTimer: NodeJS.Timeout | undefined;

  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    readMessages(socket, (request) => (isEnvelope(request) ? void answer(socket, request) : socket.destroy()), true);
  });
  const shutDown = () => {
    server.close();
    if (readServerFile()?.pid === process.pid) fs.rmSync(CHECK_SERVER_FILE, { force: true });
    process.exit(0);
  };
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(shutDown, idleMs);
  };

  async function answer(socket: net.Socket, request: Envelope): Promise<void> {
    const send = (message: Message) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    };
    if (request.build !== build || request.env !== env) {
      // the client runs the check itself and starts a server for its own build
      server.close();
      send({ declined: 'stale' });
      socket.end(shutDown);
      return;
    }
    if (busy) {
      send({ declined: 'busy' });
      socket.end();
      return;
    }
    busy = true;
    clearTimeout(idleTimer);
    send({ accepted: true });
    // Ctrl+C in the terminal ends the client: its run here stops too
    const stop = new AbortController();
    socket.once('close', () => stop.abort());
    let ending: Message;
    try {
      const code = await handle(
        { lesson: request.lesson, solution: request.solution },
        (line) => send({ line }),
        stop.signal,
      );
      ending = { exit: code };
    } catch (error) {
      ending = { failure: describeFailure(error) };
    }
    // free before the client hears the end: a check started right after it is served, not turned away
    busy = false;
    runs += 1;
    writeServerFile(runs);
    send(ending);
    if (runs >= MAX_RUNS) socket.end(shutDown);
    else {
      socket.end();
      armIdle();
    }
  }

  if (!privateFolder(where, true) || !(await listen(server, where))) return;
  writeServerFile(runs);
  armIdle();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, shutDown);
  setInterval(() => {
    const projectGone = !fs.existsSync(path.join(PROJECT_ROOT, 'package.json'));
    const socketGone = process.platform !== 'win32' && !fs.existsSync(where);
    if (projectGone || socketGone) shutDown();
  }, LOOK_AROUND_MS).unref();
}

/** Listens on `where`; false when another server of this project already does. */
async function listen(server: net.Server, where: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    // the socket file is made readable and writable by this user only, as it is made
    const umask = process.platform === 'win32' ? undefined : process.umask(0o077);
    const listening = new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.once('listening', () => resolve(undefined));
    });
    server.listen(where);
    if (umask !== undefined) process.umask(umask);
    const error = await listening;
    if (!error) return true;
    if (error.code !== 'EADDRINUSE' || (await answers(where))) return false;
    // a socket file left by a server that died
    fs.rmSync(where, { force: true });
  }
  return false;
}

/** Whether this project's check server is listening. */
export function checkServerAnswers(root = PROJECT_ROOT): Promise<boolean> {
  return answers(checkServerSocket(root));
}

function answers(where: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createConnection(where);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function writeServerFile(runs: number): void {
  try {
    writeFileAtomically(CHECK_SERVER_FILE, `${JSON.stringify({ pid: process.pid, runs })}\n`);
  } catch {
    // only tests and curious people read it
  }
}

function isEnvelope(message: unknown): message is Envelope {
  const envelope = message as Partial<Envelope>;
  return (
    typeof envelope.lesson === 'string' &&
    typeof envelope.solution === 'boolean' &&
    typeof envelope.build === 'string' &&
    typeof envelope.env === 'string'
  );
}

/** Calls `onMessage` with each JSON line that arrives (a request on the server's side, a Message on the client's); `once` stops after the first. */
function readMessages(socket: net.Socket, onMessage: (message: unknown) => void, once = false): void {
  let buffered = '';
  socket.setEncoding('utf8');
  const onData = (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      if (once) socket.off('data', onData);
      onMessage(message);
      if (once) return;
    }
  };
  socket.on('data', onData);
}
