import { spawn } from 'node:child_process';
import { dockerInfoTimeoutMs, dockerTimeoutMessage } from '../platform/docker-timeout.ts';

/**
 * True when a Docker engine answers (not merely when the docker CLI is installed:
 * `docker info` talks to the engine and fails fast when there is none).
 */
export function dockerEngineAnswers(
  timeoutMs = dockerInfoTimeoutMs(),
  onTimeout: (message: string) => void = (message) => console.error(message),
): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', windowsHide: true });
    const timer = setTimeout(() => {
      child.kill();
      onTimeout(dockerTimeoutMessage(timeoutMs));
      resolve(false);
    }, timeoutMs);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/** `docker compose up -d --wait kafka`: the compose file's broker, healthy, on 127.0.0.1:9092. */
export function composeUpKafka(projectRoot: string, log: (line: string) => void): Promise<void> {
  return composeUpService(projectRoot, 'kafka', log, 'Kafka');
}

/** `docker compose up -d --wait SERVICE`: one service of docker-compose.yml, running (healthy, if it has a health check). */
export function composeUpService(
  projectRoot: string,
  service: string,
  log: (line: string) => void,
  label = service,
): Promise<void> {
  log(`Starting ${label} with Docker: docker compose up -d --wait ${service}`);
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['compose', 'up', '-d', '--wait', service], { cwd: projectRoot, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker compose up failed (exit ${code}); try it by hand to see why`)),
    );
  });
}
