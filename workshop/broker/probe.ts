import net from 'node:net';
import { describeSecurity, kafkaConfig, securityFor } from '../config.ts';
import { within } from '../wait.ts';
import { askForBrokers } from './metadata-probe.ts';

/** `authFailed`: Kafka answered but refused the login, so starting another broker would not help. */
export type ProbeResult = { ok: true; brokers: string[] } | { ok: false; reason: string; authFailed?: boolean };

/** True when something accepts a TCP connection on host:port within the timeout. */
export function portIsOpen(hostPort: string, timeoutMs = 500): Promise<boolean> {
  const { host, port } = splitHostPort(hostPort);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function splitHostPort(hostPort: string): { host: string; port: number } {
  const at = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(at + 1)) };
}

/**
 * Asks the brokers for cluster metadata: proof that Kafka (not just any program) answers.
 * The port test first keeps the "nothing there" case to milliseconds. A broker without a login
 * or TLS is asked directly (askForBrokers); a secured one through kafkajs, which does both.
 */
export async function probeKafka(brokers: string[], timeoutMs = 3000): Promise<ProbeResult> {
  const open = await Promise.all(brokers.map((broker) => portIsOpen(broker, Math.min(timeoutMs, 1000))));
  if (!open.some(Boolean)) return { ok: false, reason: `nothing is listening on ${brokers.join(', ')}` };
  const security = securityFor(brokers);
  const listening = brokers.filter((_, index) => open[index]);
  try {
    if (security.sasl || security.ssl) await askThroughKafkajs(brokers, timeoutMs);
    else await askAnyOf(listening, timeoutMs);
    return { ok: true, brokers };
  } catch (error) {
    if (security.sasl && isAuthenticationFailure(error)) {
      return {
        ok: false,
        authFailed: true,
        reason: `authentication failed for user ${security.sasl.username} (${describeSecurity(security)} at ${brokers.join(', ')}): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
      };
    }
    return { ok: false, reason: `${brokers.join(', ')} did not answer as a Kafka broker (${describeError(error)})` };
  }
}

/** The first of `brokers` to answer with the cluster's brokers; else the last one's error. */
async function askAnyOf(brokers: string[], timeoutMs: number): Promise<void> {
  let failure: unknown;
  for (const broker of brokers) {
    const { host, port } = splitHostPort(broker);
    try {
      await askForBrokers(host, port, timeoutMs);
      return;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

async function askThroughKafkajs(brokers: string[], timeoutMs: number): Promise<void> {
  const { Kafka } = await import('kafkajs');
  const admin = new Kafka({
    ...kafkaConfig('workshop-probe', brokers),
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await within(
      admin.connect().then(() => admin.describeCluster()),
      timeoutMs,
      `no answer within ${timeoutMs} ms`,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** kafkajs wraps the broker's "wrong password" in retry errors; the cause chain still names it. */
export function isAuthenticationFailure(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.name === 'KafkaJSSASLAuthenticationError') return true;
  }
  return false;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
