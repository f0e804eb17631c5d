import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** The java launcher: JAVA_HOME's when set, as the JDK tools do, else the one on PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  const exe = process.platform === 'win32' ? 'java.exe' : 'java';
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', exe) : 'java';
}

/** "17.0.15" → 17, "1.8.0_392" → 8. */
export function parseJavaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/** The major version of the java that would run the broker, or undefined when there is none. */
export function installedJavaMajorVersion(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const result = spawnSync(javaCommand(env), ['-version'], { encoding: 'utf8', env, timeout: 10_000 });
  if (result.error || result.status !== 0) return undefined;
  return parseJavaMajorVersion(`${result.stderr}${result.stdout}`);
}

export function mavenCommand(): string {
  return process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
}

export function mavenIsInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  const result = spawnSync(mavenCommand(), ['--version'], {
    env,
    timeout: 20_000,
    shell: process.platform === 'win32',
  });
  return !result.error && result.status === 0;
}
