import net from 'node:net';

/**
 * One Metadata request (version 4, which every Kafka from 1.0 to 4.x answers), written by hand:
 * the proof that a Kafka broker answers, and that it knows the cluster's brokers, without
 * loading kafkajs. `npm run check` asks this before every run, on the thread that starts the
 * checks, and kafkajs's loading was a tenth of that run's time.
 */
const METADATA_API_KEY = 3;
const METADATA_VERSION = 4;
const CORRELATION_ID = 0x57_0e_00_01;
const CLIENT_ID = 'workshop-probe';
const MAX_ANSWER_BYTES = 1 << 20;
const NOT_KAFKA = 'the answer is not in Kafka’s protocol';

/** The brokers the metadata names, as host:port; rejects with a one-line reason. */
export function askForBrokers(host: string, port: number, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (reason: string | Error) => {
      socket.destroy();
      reject(typeof reason === 'string' ? new Error(reason) : reason);
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', fail);
    socket.once('close', () =>
      fail(received.length > 0 ? NOT_KAFKA : `${host}:${port} closed the connection without an answer`),
    );
    socket.once('connect', () => socket.write(metadataRequest()));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      // a metadata answer without topics is a few hundred bytes; "HTTP" read as a size is 1.2 GB
      if (size < 12 || size > MAX_ANSWER_BYTES) return fail(NOT_KAFKA);
      if (received.length < 4 + size) return;
      socket.destroy();
      try {
        resolve(brokersIn(received.subarray(4, 4 + size)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** size, api key, api version, correlation id, client id; then no topics (0) and no auto-creation. */
function metadataRequest(): Buffer {
  const clientId = Buffer.from(CLIENT_ID);
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let at = body.writeInt16BE(METADATA_API_KEY, 0);
  at = body.writeInt16BE(METADATA_VERSION, at);
  at = body.writeInt32BE(CORRELATION_ID, at);
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  at = body.writeInt32BE(0, at);
  body.writeInt8(0, at);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Response: correlation id, throttle time, then [node id, host, port, rack]. */
function brokersIn(frame: Buffer): string[] {
  if (frame.length < 12 || frame.readInt32BE(0) !== CORRELATION_ID) throw new Error(NOT_KAFKA);
  let at = 8;
  const count = frame.readInt32BE(at);
  at += 4;
  if (count < 1 || count > 10_000) throw new Error('the answer names no broker');
  const brokers: string[] = [];
  for (let index = 0; index < count; index++) {
    at += 4;
    const hostLength = frame.readInt16BE(at);
    const host = frame.toString('utf8', at + 2, at + 2 + hostLength);
    at += 2 + hostLength;
    brokers.push(`${host}:${frame.readInt32BE(at)}`);
    at += 4;
    const rackLength = frame.readInt16BE(at);
    at += 2 + Math.max(rackLength, 0);
  }
  return brokers;
}
