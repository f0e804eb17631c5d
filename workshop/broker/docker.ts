import { spawn } from 'node:child_process';

/**
 * True when a Docker engine answers (not merely when the docker CLI is installed:
 * `docker info` talks to the engine and fails fast when there is none).
 */
export function dockerEngineAnswers(timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', windowsHide: true });
    const timer = setTimeout(() => {
      child.kill();
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
  log('Starting Kafka with Docker: docker compose up -d --wait kafka');
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['compose', 'up', '-d', '--wait', 'kafka'], { cwd: projectRoot, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker compose up failed (exit ${code}); try it by hand to see why`)),
    );
  });
}
