import type { Admin, ITopicConfig } from 'kafkajs';

/**
 * How long a topic waits for others to be asked for: the checks of a lesson start side by side
 * and each connects its own admin client first, so their first topics arrive a few milliseconds apart.
 */
const GATHER_MS = 15;

interface Gathering {
  readonly topics: ITopicConfig[];
  readonly sent: Promise<void>;
}

let gathering: Gathering | undefined;

/**
 * Creates a topic in one CreateTopics request with the others asked for at about the same time.
 * Kafka's controller handles one such request after another, so four checks that each ask for
 * a topic waited about 50 ms more each, in turn (the fourth over 150 ms); in one request, all
 * four are ready as soon as the first. When the request fails, each topic is asked for on its
 * own, so each check meets its own error, not another check's; one the batch did create is then
 * already there, which kafkajs answers with `false`, not an error.
 */
export async function createTopicWithOthers(admin: Admin, topic: ITopicConfig): Promise<void> {
  if (!gathering) {
    const topics: ITopicConfig[] = [];
    const sent = new Promise((resolve) => setTimeout(resolve, GATHER_MS)).then(async () => {
      gathering = undefined;
      await admin.createTopics({ topics, waitForLeaders: false });
    });
    gathering = { topics, sent };
  }
  const { topics, sent } = gathering;
  topics.push(topic);
  try {
    await sent;
  } catch {
    await admin.createTopics({ topics: [topic], waitForLeaders: false });
  }
}
