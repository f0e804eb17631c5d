import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureKafkaJars } from './jars.ts';
import {
  brokerAddress,
  prepareBrokerDir,
  spawnBroker,
  stopFileOf,
  waitUntilReady,
  type JvmBrokerLayout,
} from './jvm-broker.ts';
import { freePort } from './ports.ts';
import { againOnNewPortsIfTaken, cleanUpAfterFailedStart } from './port-taken.ts';
import { isAlive, killProcess, stopProcess } from './process.ts';

/**
 * A throw-away JVM broker that a fault test may kill and start again: the same ports and the
 * same data folder each time, so what was stored before the kill is there after the restart,
 * and clients find it at the address they already know. Never the shared broker on 9092.
 */
export class RestartableBroker {
  readonly brokers: string[];
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    private readonly layout: JvmBrokerLayout,
    private readonly jarsDir: string,
  ) {
    this.brokers = [brokerAddress(layout)];
    this.logFile = path.join(layout.dir, 'kafka.log');
  }

  /** Formats a fresh folder on free loopback ports and starts the broker. */
  static start(
    log: (line: string) => void = () => undefined,
    extraSettings?: Record<string, string>,
  ): Promise<RestartableBroker> {
    return againOnNewPortsIfTaken(() => RestartableBroker.startOnFreePorts(log, extraSettings));
  }

  private static async startOnFreePorts(
    log: (line: string) => void,
    extraSettings: Record<string, string> | undefined,
  ): Promise<RestartableBroker> {
    const jarsDir = await ensureKafkaJars(log);
    const layout: JvmBrokerLayout = {
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-faults-')),
      port: await freePort(),
      controllerPort: await freePort(),
      extraSettings,
    };
    await prepareBrokerDir(layout, jarsDir);
    const broker = new RestartableBroker(layout, jarsDir);
    process.once('exit', broker.killOnExit);
    try {
      await broker.restart();
    } catch (error) {
      return cleanUpAfterFailedStart(error, [broker.logFile], () => broker.stop());
    }
    return broker;
  }

  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  get running(): boolean {
    return this.child?.pid !== undefined && isAlive(this.child.pid);
  }

  /** Starts the broker on its folder and ports, and resolves once it answers metadata requests. */
  async restart(): Promise<void> {
    if (this.running) return;
    this.child = spawnBroker(this.layout, this.jarsDir, { lifetime: 'ephemeral', logFile: this.logFile });
    await waitUntilReady(brokerAddress(this.layout), this.child.pid!, this.logFile);
  }

  /** The crash: SIGKILL, no shutdown, nothing flushed by Kafka itself. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid !== undefined) await killProcess(pid);
  }

  /** Stops the broker (cleanly if it is running) and deletes its folder. */
  async stop(): Promise<void> {
    process.off('exit', this.killOnExit);
    const pid = this.pid;
    if (pid !== undefined) await stopProcess(pid, { graceMs: 10_000, stopFile: stopFileOf(this.layout) });
    fs.rmSync(this.layout.dir, { recursive: true, force: true });
  }
}
