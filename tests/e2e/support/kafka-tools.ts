import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureKafkaJars } from '../../../workshop/broker/jars.ts';
import { javaCommand } from '../../../workshop/broker/java.ts';

/**
 * Apache Kafka's own command-line clients (kafka-console-consumer / -producer), run from the
 * same pinned jars as the JVM broker: a reference client that nobody in this project wrote.
 */
export const CONSOLE_CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer';
export const CONSOLE_PRODUCER = 'org.apache.kafka.tools.ConsoleProducer';

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runKafkaTool(mainClass: string, args: string[], options: { stdin?: string; timeoutMs?: number } = {}): Promise<ToolRun> {
  const jars = await ensureKafkaJars((line) => console.log(`[kafka jars] ${line}`));
  const timeoutMs = options.timeoutMs ?? 45_000;
  return new Promise((resolve, reject) => {
    const child = spawn(javaCommand(), ['-Xmx256m', '-cp', path.join(jars, '*'), mainClass, ...args], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${mainClass} did not finish within ${timeoutMs / 1000} s. stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-500)}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run java for ${mainClass} (the interop tests need Java 17+): ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
