import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchCommandSpawn, CMD_NOT_FOUND_EXIT } from '../platform/cmd-line.ts';
import { renameWithRetry } from '../platform/rename.ts';
import { mavenCommand } from './java.ts';
import { isAlive } from './process.ts';
import { KAFKA_VERSION } from './version.ts';

const POM = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pom.xml');
const COMPLETE_MARKER = '.complete';

export class JarsError extends Error {
  override readonly name = 'JarsError';
}

/** The workshop's download cache: outside the repo, shared by every clone on this machine. */
export function workshopCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.KAFKA_WORKSHOP_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kafka-workshop')
  );
}

/** Where the jars are cached. */
export function jarsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(workshopCacheDir(env), `kafka-${KAFKA_VERSION}`, 'libs');
}

/** KAFKA_HOME/libs when it holds an unpacked Apache Kafka download. */
export function kafkaHomeLibs(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.KAFKA_HOME) return undefined;
  const libs = path.join(env.KAFKA_HOME, 'libs');
  const hasBroker = fs.existsSync(libs) && fs.readdirSync(libs).some((name) => /^kafka_2\.13-.*\.jar$/.test(name));
  return hasBroker ? libs : undefined;
}

export function cachedJarsDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromHome = kafkaHomeLibs(env);
  if (fromHome) return fromHome;
  const dir = jarsCacheDir(env);
  return fs.existsSync(path.join(dir, COMPLETE_MARKER)) ? dir : undefined;
}

/**
 * The folder of Kafka jars, downloading them with Maven on first use.
 * Maven copies into a temporary folder that is renamed only when the copy is whole, so an
 * interrupted download leaves no half-filled cache: the next try simply starts again.
 */
export async function ensureKafkaJars(
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const cached = cachedJarsDir(env);
  if (cached) return cached;

  const target = jarsCacheDir(env);
  const partial = `${target}.partial-${process.pid}`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  removeAbandonedPartials(target);

  log(`First run: downloading Apache Kafka ${KAFKA_VERSION} (about 60 MB of jars) with Maven into ${target}.`);
  log('This happens once per machine; later starts take a few seconds.');
  await runMaven(['dependency:copy-dependencies', `-DoutputDirectory=${partial}`, '-DincludeScope=runtime'], log, env);

  fs.writeFileSync(path.join(partial, COMPLETE_MARKER), `${KAFKA_VERSION}\n`);
  fs.rmSync(target, { recursive: true, force: true });
  await renameWithRetry(partial, target);
  log(`Kafka jars ready in ${target}.`);
  return target;
}

/** Deletes what interrupted downloads left behind; a download still under way elsewhere is left alone. */
export function removeAbandonedPartials(target: string): void {
  const prefix = `${path.basename(target)}.partial-`;
  for (const name of fs.readdirSync(path.dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || !isAlive(pid))
      fs.rmSync(path.join(path.dirname(target), name), { recursive: true, force: true });
  }
}

export interface MavenRun {
  /** The pom to run; the Kafka jars' by default. */
  pom?: string;
  /** What Maven is doing, for the failure message: "download the Kafka jars". */
  what?: string;
  /** Each line Maven prints; return a progress line to show it (for the milestones of a long build). */
  progress?: (line: string) => string | undefined;
  /** What the learner can do instead when Maven is missing. */
  withoutMaven?: string;
}

export function runMaven(
  goals: string[],
  log: (line: string) => void,
  env: NodeJS.ProcessEnv,
  run: MavenRun = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const plan = batchCommandSpawn(mavenCommand(), ['-B', '-f', run.pom ?? POM, ...goals], process.platform);
    const child = spawn(plan.command, plan.args, { env, stdio: ['ignore', 'pipe', 'pipe'], shell: plan.shell });
    let downloaded = 0;
    const tail: string[] = [];
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      // Maven prints one "Downloaded from …" line per file; a count every 25 keeps the screen calm.
      if (/^\[INFO\] Downloaded from /.test(line) && ++downloaded % 25 === 0) log(`  … ${downloaded} files downloaded`);
      const milestone = run.progress?.(line);
      if (milestone) log(milestone);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    const notInstalled = `Maven (mvn) is not installed. Install Maven, ${run.withoutMaven ?? 'or download Apache Kafka and set KAFKA_HOME to its folder.'}`;
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(new JarsError(error.code === 'ENOENT' ? notInstalled : `could not run Maven: ${error.message}`));
    });
    child.once('close', (code) => {
      if (code === 0) return resolve();
      // through cmd.exe a missing mvn.cmd is not ENOENT but "'mvn.cmd' is not recognized…"
      if (plan.shell && code === CMD_NOT_FOUND_EXIT) return reject(new JarsError(notInstalled));
      reject(
        new JarsError(
          `Maven could not ${run.what ?? 'download the Kafka jars'} (exit ${code}). Its last lines:\n${tail.join('\n')}`,
        ),
      );
    });
  });
}
