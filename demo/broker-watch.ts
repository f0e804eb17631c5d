import { portIsOpen } from '../workshop/broker/probe.ts';

/**
 * kafkajs rides out a broker that goes away without a word: it retries for about half a minute
 * (RIDE_OUT_RESTARTS), and to the person watching, a live program looks hung. This says so as
 * soon as no broker's port answers, and again when one does. Returns the function that ends
 * the watch; it never keeps the process alive by itself.
 */
export function watchBroker(
  brokers: readonly string[],
  say: (line: string) => void,
  options: { everyMs: number; rideOutSeconds: number },
): () => void {
  let away = false;
  let looking = false;
  let ended = false;
  const look = async () => {
    // a look that takes longer than the interval (a port that neither answers nor refuses) is not stacked up
    if (looking) return;
    looking = true;
    try {
      const answers = (await Promise.all(brokers.map((broker) => portIsOpen(broker)))).some(Boolean);
      // a look still under way when the watch ended: the program is stopping, and says nothing more
      if (ended) return;
      if (!answers && !away) {
        say(
          `⚠️  Kafka at ${brokers.join(',')} does not answer. kafkajs keeps trying for about ${options.rideOutSeconds} s; Ctrl+C stops.`,
        );
      } else if (answers && away) say(`✅ Kafka at ${brokers.join(',')} answers again.`);
      away = !answers;
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look(), options.everyMs);
  timer.unref();
  return () => {
    ended = true;
    clearInterval(timer);
  };
}
