/**
 * kafkajs itself, with a few additions: every client made from a check's connection is noted, with
 * its options and whether it is connected, so the check can read them and disconnect it afterwards;
 * a consumer's message handler can be let go of; its calls are counted; a producer's failed sends
 * are noted, so a check can tell a caught error from a send that worked; and a check can write
 * messages between an admin's end-offset answer and the learner's use of it.
 * A learner's consumer whose code hangs or throws must not linger in its group or keep the
 * process alive. The learner's `import … from 'kafkajs'` resolves to this module during checks
 * (workshop/check/learner-kafkajs.ts); the clients are the real ones, and they read and write
 * every codec Kafka has.
 */
import kafkajs, {
  type Admin,
  type AdminConfig,
  type Consumer,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type KafkaConfig,
  type Producer,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
} from 'kafkajs';
import { within } from '../../workshop/wait.ts';
import { registerCompressionCodecs } from '../../workshop/kafka/codecs.ts';

registerCompressionCodecs();

export * from 'kafkajs';
export default kafkajs;

type Client = Admin | Consumer | Producer;
const clientsById = new Map<string, Set<Client>>();
const handlerReleases = new WeakMap<Client, () => void>();

/** A send() or sendBatch() of the learner's that rejected: the error, and the acks it asked for. */
export interface SendFailure {
  error: Error;
  acks: number | undefined;
}
const sendFailuresById = new Map<string, SendFailure[]>();

/**
 * Notes every rejected send, then rejects as before: whether the learner awaits, catches or
 * drops the promise is unchanged, and the check still learns that Kafka said no.
 */
function noteSendFailures(clientId: string | undefined, producer: Producer): Producer {
  if (!clientId) return producer;
  const note = (error: unknown, acks: number | undefined): never => {
    const failures = sendFailuresById.get(clientId) ?? [];
    failures.push({ error: error instanceof Error ? error : new Error(String(error)), acks });
    sendFailuresById.set(clientId, failures);
    throw error;
  };
  const send = producer.send.bind(producer);
  const sendBatch = producer.sendBatch.bind(producer);
  producer.send = (record: ProducerRecord) => send(record).catch((error: unknown) => note(error, record?.acks));
  producer.sendBatch = (batch: ProducerBatch) => sendBatch(batch).catch((error: unknown) => note(error, batch?.acks));
  return producer;
}

/** The sends that failed for clients made with a client id that contains `marker`, oldest first. */
export function sendFailures(marker: string): SendFailure[] {
  return [...sendFailuresById].filter(([clientId]) => clientId.includes(marker)).flatMap(([, failures]) => failures);
}

/** A client the learner's code made, with the options it was made with: what a check may look at. */
export type LearnerClient =
  | { kind: 'producer'; client: Producer; config: ProducerConfig }
  | { kind: 'consumer'; client: Consumer; config: ConsumerConfig }
  | { kind: 'admin'; client: Admin; config: AdminConfig };
const made = new WeakMap<Client, LearnerClient>();

/** Counts calls of the learner's message handlers, for the check whose run id is in the client id. */
export interface HandlerCounter {
  track<T>(label: string, body: () => T): T;
}
const handlerCounters = new Map<string, HandlerCounter>();

/** While a check runs, its learner's handlers are counted with its other calls: a handler that never returns is named. */
export function countHandlers(marker: string, counter: HandlerCounter): () => void {
  handlerCounters.set(marker, counter);
  return () => handlerCounters.delete(marker);
}

function counterFor(clientId: string | undefined): HandlerCounter | undefined {
  if (!clientId) return undefined;
  for (const [marker, counter] of handlerCounters) if (clientId.includes(marker)) return counter;
  return undefined;
}

/**
 * kafkajs finishes the message in hand before a consumer leaves its group, so a handler that
 * never returns would keep the consumer in the group, and its connections open, for good.
 * Wrapped, the handler can be released: the call in hand returns at once, later ones are skipped.
 */
function releasableHandlers(consumer: Consumer, clientId: string | undefined): Consumer {
  let released = false;
  let release!: () => void;
  const releasedNow = new Promise<void>((resolve) => (release = resolve));
  const letGo = <A extends unknown[]>(handler: ((...args: A) => Promise<void>) | undefined, label: string) =>
    handler &&
    ((...args: A) => {
      if (released) return Promise.resolve();
      const counter = counterFor(clientId);
      const handled = counter ? counter.track(label, () => handler(...args)) : handler(...args);
      return Promise.race([handled, releasedNow]);
    });
  const run = consumer.run.bind(consumer);
  consumer.run = (config?: ConsumerRunConfig) =>
    run(
      config && {
        ...config,
        eachMessage: letGo(config.eachMessage, 'your eachMessage handler'),
        eachBatch: letGo(config.eachBatch, 'your eachBatch handler'),
      },
    );
  handlerReleases.set(consumer, () => {
    released = true;
    release();
  });
  return consumer;
}

/** Clients whose connect() has finished and whose disconnect() has not. */
const connected = new WeakSet<Client>();

function note<T extends Client>(clientId: string | undefined, client: T): T {
  if (clientId) {
    const clients = clientsById.get(clientId) ?? new Set();
    clients.add(client);
    clientsById.set(clientId, clients);
  }
  // every kind of client has these two events, emitted before connect() and disconnect() return
  // (kafkajs types each kind's on() apart, so the union of the three has no callable signature)
  const on = client.on.bind(client) as (event: string, listener: () => void) => unknown;
  const events = client.events as { CONNECT: string; DISCONNECT: string };
  on(events.CONNECT, () => connected.add(client));
  on(events.DISCONNECT, () => connected.delete(client));
  return client;
}

/**
 * What a check runs after the learner's admin.fetchTopicOffsets() has its answer and before the
 * learner's code gets it: the check can write messages that arrive "while" that code works, on
 * the real broker, exactly once and at the same point every run.
 */
type EndOffsetsHook = (topic: string) => Promise<void>;
const endOffsetsHooks = new Map<string, EndOffsetsHook>();

/** Until the returned function is called, `hook` runs after each end-offsets answer to a learner admin whose client id contains `marker`. */
export function afterLearnerReadsEndOffsets(marker: string, hook: EndOffsetsHook): () => void {
  endOffsetsHooks.set(marker, hook);
  return () => endOffsetsHooks.delete(marker);
}

function withEndOffsetsHook(clientId: string | undefined, admin: Admin): Admin {
  if (!clientId) return admin;
  const fetchTopicOffsets = admin.fetchTopicOffsets.bind(admin);
  admin.fetchTopicOffsets = async (topic: string) => {
    const offsets = await fetchTopicOffsets(topic);
    for (const [marker, hook] of endOffsetsHooks) if (clientId.includes(marker)) await hook(topic);
    return offsets;
  };
  return admin;
}

export class Kafka extends kafkajs.Kafka {
  private readonly clientId: string | undefined;

  constructor(config: KafkaConfig) {
    super(config);
    this.clientId = config.clientId;
  }

  override producer(config: ProducerConfig = {}): Producer {
    const client = noteSendFailures(this.clientId, super.producer(config));
    made.set(client, { kind: 'producer', client, config });
    return note(this.clientId, client);
  }

  override consumer(config: ConsumerConfig): Consumer {
    const client = releasableHandlers(super.consumer(config), this.clientId);
    made.set(client, { kind: 'consumer', client, config });
    return note(this.clientId, client);
  }

  override admin(config: AdminConfig = {}): Admin {
    const client = withEndOffsetsHook(this.clientId, super.admin(config));
    made.set(client, { kind: 'admin', client, config });
    return note(this.clientId, client);
  }
}

/**
 * The clients made with a client id that contains `marker` (a check's run id), in the order they
 * were made, with their options. A check reads a default here, such as the group id a consumer
 * got when the caller gave none, without joining that group on a broker others share.
 */
export function clientsMadeWith(marker: string): LearnerClient[] {
  return [...clientsById]
    .filter(([clientId]) => clientId.includes(marker))
    .flatMap(([, clients]) => [...clients].map((client) => made.get(client)))
    .filter((client): client is LearnerClient => client !== undefined);
}

/** The clients made with a client id that contains `marker` that are connected right now: connect() done, disconnect() not. */
export function clientsStillConnected(marker: string): LearnerClient[] {
  return clientsMadeWith(marker).filter(({ client }) => connected.has(client));
}

/** Lets go of the message handlers of every consumer made with a client id that contains `marker`. */
export function releaseHandlers(marker: string): void {
  for (const [clientId, clients] of clientsById) {
    if (clientId.includes(marker)) clients.forEach((client) => handlerReleases.get(client)?.());
  }
}

/** Disconnects every client made with a client id that contains `marker`, each within `timeoutMs`. */
export async function disconnectClients(marker: string, timeoutMs = 3000): Promise<void> {
  for (const clientId of sendFailuresById.keys()) if (clientId.includes(marker)) sendFailuresById.delete(clientId);
  const matching = [...clientsById].filter(([clientId]) => clientId.includes(marker));
  await Promise.all(
    matching.flatMap(([clientId, clients]) => {
      clientsById.delete(clientId);
      return [...clients].map((client) =>
        within(client.disconnect(), timeoutMs, 'disconnect took too long').catch(() => undefined),
      );
    }),
  );
}
