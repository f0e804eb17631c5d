import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jarsCacheDir } from './jars.ts';

/**
 * The broker's main class, java/WorkshopKafka.java: Kafka itself, plus a JVM that ends when the
 * process that started it ends (stdin closes) and stops cleanly when a stop file appears. It is
 * compiled once per machine with the JDK's javac, next to the cached Kafka jars, in a folder
 * named after the source's hash, so an edited launcher is compiled again.
 */
export const LAUNCHER_SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'java', 'WorkshopKafka.java');
export const LAUNCHER_CLASS = 'WorkshopKafka';

export function javacCommand(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const exe = platform === 'win32' ? 'javac.exe' : 'javac';
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', exe) : 'javac';
}

export function launcherDir(env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(fs.readFileSync(LAUNCHER_SOURCE)).digest('hex').slice(0, 12);
  return path.join(path.dirname(jarsCacheDir(env)), `launcher-${hash}`);
}

let compiled: { dir: string | undefined } | undefined;

/**
 * The folder holding the compiled launcher, or undefined when it cannot be compiled (a Java
 * runtime without javac): brokers then run kafka.Kafka directly and die with their owner only
 * when it exits normally. Compiled into a temporary folder that is renamed when whole, so two
 * runs compiling at once never see half a class file.
 */
export function ensureLauncher(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (compiled) return compiled.dir;
  const dir = launcherDir(env);
  if (fs.existsSync(path.join(dir, `${LAUNCHER_CLASS}.class`))) return (compiled = { dir }).dir;
  const partial = `${dir}.partial-${process.pid}`;
  fs.mkdirSync(partial, { recursive: true });
  const result = spawnSync(javacCommand(env), ['-nowarn', '-d', partial, LAUNCHER_SOURCE], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
    windowsHide: true,
  });
  if (result.error || result.status !== 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    log(
      `Could not compile the broker launcher with javac (${result.error?.message ?? result.stderr.trim()}): ` +
        'throw-away brokers will stop with their command only when it ends normally. Install a JDK to fix this.',
    );
    return (compiled = { dir: undefined }).dir;
  }
  try {
    fs.renameSync(partial, dir);
  } catch {
    // another run finished first: its copy is as good as ours
    fs.rmSync(partial, { recursive: true, force: true });
  }
  // unless the rename failed for another reason (a virus scanner on Windows): then no launcher this time
  return (compiled = { dir: fs.existsSync(dir) ? dir : undefined }).dir;
}
