/**
 * kafkajs itself, with two additions: every client made from a check's connection is noted, so
 * the check can disconnect it afterwards, and a consumer's message handler can be let go of.
 * A learner's consumer whose code hangs or throws must not linger in its group or keep the
 * process alive. The learner's `import … from 'kafkajs'` resolves to this module during checks
 * (workshop/check/learner-kafkajs.ts); the clients are the real ones.
 */
import kafkajs, {
  type Admin,
  type AdminConfig,
  type Consumer,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type KafkaConfig,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';

export * from 'kafkajs';
export default kafkajs;

type Client = Admin | Consumer | Producer;
const clientsById = new Map<string, Set<Client>>();
const handlerReleases = new WeakMap<Client, () => void>();

/**
 * kafkajs finishes the message in hand before a consumer leaves its group, so a handler that
 * never returns would keep the consumer in the group, and its connections open, for good.
 * Wrapped, the handler can be released: the call in hand returns at once, later ones are skipped.
 */
function releasableHandlers(consumer: Consumer): Consumer {
  let released = false;
  let release!: () => void;
  const releasedNow = new Promise<void>((resolve) => (release = resolve));
  const letGo = <A extends unknown[]>(handler: ((...args: A) => Promise<void>) | undefined) =>
    handler && ((...args: A) => (released ? Promise.resolve() : Promise.race([handler(...args), releasedNow])));
  const run = consumer.run.bind(consumer);
  consumer.run = (config?: ConsumerRunConfig) =>
    run(config && { ...config, eachMessage: letGo(config.eachMessage), eachBatch: letGo(config.eachBatch) });
  handlerReleases.set(consumer, () => {
    released = true;
    release();
  });
  return consumer;
}

function note<T extends Client>(clientId: string | undefined, client: T): T {
  if (clientId) {
    const clients = clientsById.get(clientId) ?? new Set();
    clients.add(client);
    clientsById.set(clientId, clients);
  }
  return client;
}

export class Kafka extends kafkajs.Kafka {
  private readonly clientId: string | undefined;

  constructor(config: KafkaConfig) {
    super(config);
    this.clientId = config.clientId;
  }

  override producer(config?: ProducerConfig): Producer {
    return note(this.clientId, super.producer(config));
  }

  override consumer(config: ConsumerConfig): Consumer {
    return note(this.clientId, releasableHandlers(super.consumer(config)));
  }

  override admin(config?: AdminConfig): Admin {
    return note(this.clientId, super.admin(config));
  }
}

/** Lets go of the message handlers of every consumer made with a client id that contains `marker`. */
export function releaseHandlers(marker: string): void {
  for (const [clientId, clients] of clientsById) {
    if (clientId.includes(marker)) clients.forEach((client) => handlerReleases.get(client)?.());
  }
}

/** Disconnects every client made with a client id that contains `marker`, each within `timeoutMs`. */
export async function disconnectClients(marker: string, timeoutMs = 3000): Promise<void> {
  const matching = [...clientsById].filter(([clientId]) => clientId.includes(marker));
  await Promise.all(
    matching.flatMap(([clientId, clients]) => {
      clientsById.delete(clientId);
      return [...clients].map((client) =>
        Promise.race([client.disconnect(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]).catch(() => undefined),
      );
    }),
  );
}
