import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureKafkaJars } from '../../../workshop/broker/jars.ts';
import { javaCommand } from '../../../workshop/broker/java.ts';
import { WatchedProcess } from '../../../workshop/demo-process.ts';

/**
 * Apache Kafka's own command-line clients (kafka-console-consumer / -producer), run from the
 * same pinned jars as the JVM broker: a reference client that nobody in this project wrote.
 */
export const CONSOLE_CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer';
export const CONSOLE_PRODUCER = 'org.apache.kafka.tools.ConsoleProducer';
export const CONSUMER_GROUPS = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';

async function javaArgs(mainClass: string, args: string[]): Promise<string[]> {
  const jars = await ensureKafkaJars((line) => console.log(`[kafka jars] ${line}`));
  // a tool runs for seconds: the JIT's first tier and the serial collector start it sooner
  return ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', path.join(jars, '*'), mainClass, ...args];
}

/** Starts one of Kafka's tools that runs until stopped (a console consumer, say); its output is read line by line. */
export async function startKafkaTool(name: string, mainClass: string, args: string[]): Promise<WatchedProcess> {
  return new WatchedProcess(name, javaCommand(), await javaArgs(mainClass, args));
}

/** One member of a consumer group as `kafka-consumer-groups --describe --members --verbose` shows it. */
export interface DescribedMember {
  clientId: string;
  partitions: number[];
}

/**
 * The members of a group and their partitions of `topic`, as Kafka's own kafka-consumer-groups
 * tool describes them: the witness for how a group of mixed clients split a topic.
 */
export async function describeGroupMembers(
  brokers: string[],
  group: string,
  topic: string,
): Promise<DescribedMember[]> {
  const run = await runKafkaTool(CONSUMER_GROUPS, [
    '--bootstrap-server',
    brokers.join(','),
    '--describe',
    '--group',
    group,
    '--members',
    '--verbose',
  ]);
  if (run.code !== 0) throw new Error(`kafka-consumer-groups --describe exited ${run.code}: ${run.stderr.slice(-400)}`);
  const lines = run.stdout.split('\n').filter((line) => line.trim() !== '');
  const header = lines.findIndex((line) => /\bCLIENT-ID\b/.test(line));
  if (header < 0) throw new Error(`kafka-consumer-groups printed no member table: ${run.stdout.slice(-400)}`);
  const columns = lines[header]!.trim().split(/\s+/);
  // Kafka 4 prints CURRENT-ASSIGNMENT as "topic:0,1;other:2", older releases ASSIGNMENT as "topic(0,1)"
  const assignmentColumn = columns.findIndex((name) => name === 'CURRENT-ASSIGNMENT' || name === 'ASSIGNMENT');
  return lines.slice(header + 1).map((line) => {
    const cells = line.trim().split(/\s+/);
    const assigned = [...(cells[assignmentColumn] ?? '').matchAll(/([^:;(),]+)[:(]([\d,]+)\)?/g)];
    const mine = assigned.find(([, name]) => name === topic)?.[2];
    return {
      clientId: cells[columns.indexOf('CLIENT-ID')] ?? '',
      partitions: mine
        ? mine
            .split(',')
            .map(Number)
            .sort((a, b) => a - b)
        : [],
    };
  });
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runKafkaTool(
  mainClass: string,
  args: string[],
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<ToolRun> {
  // generous: a JVM starts slowly on a busy two-core machine
  const timeoutMs = options.timeoutMs ?? 120_000;
  const command = await javaArgs(mainClass, args);
  return new Promise((resolve, reject) => {
    const child = spawn(javaCommand(), command, {
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${mainClass} did not finish within ${timeoutMs / 1000} s. stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-500)}`,
        ),
      );
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
