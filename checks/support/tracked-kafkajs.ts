/**
 * kafkajs itself, with one addition: every client made from a check's connection is noted, so
 * the check can disconnect it afterwards. A learner's consumer whose code hangs or throws must
 * not linger in its group or keep the process alive. The learner's `import … from 'kafkajs'`
 * resolves to this module during checks (workshop/check/learner-kafkajs.ts); the clients are
 * the real ones, unchanged.
 */
import kafkajs, { type Admin, type AdminConfig, type Consumer, type ConsumerConfig, type KafkaConfig, type Producer, type ProducerConfig } from 'kafkajs';

export * from 'kafkajs';
export default kafkajs;

type Client = Admin | Consumer | Producer;
const clientsById = new Map<string, Set<Client>>();

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
    return note(this.clientId, super.consumer(config));
  }

  override admin(config?: AdminConfig): Admin {
    return note(this.clientId, super.admin(config));
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
