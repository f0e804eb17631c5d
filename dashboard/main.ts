import { findOrStartBroker } from '../workshop/broker/discover.ts';
import { runCli } from '../workshop/cli/run-cli.ts';
import { ConfigError, kafkaConfig } from '../workshop/config.ts';
import { listLessons } from '../workshop/lessons.ts';
import { Dashboard } from './dashboard.ts';
import { DEFAULT_PORT, startServer } from './server.ts';

/**
 * `npm run dashboard`: a web page on 127.0.0.1 that shows Kafka move, live: topics and their
 * partitions as lanes, consumer groups and who owns what, rebalances, lag, produce rates.
 * `-- --classroom` shows a room's check results instead (learners × lessons).
 */
const command = {
  program: 'npm run dashboard',
  about:
    'A web page on 127.0.0.1 that shows Kafka move, live: topics and their partitions, consumer groups and who owns what, rebalances, lag, produce rates. With --classroom, a room of check results instead.',
  flags: {
    port: { kind: 'positive-integer', help: `the page's port on 127.0.0.1 (default ${DEFAULT_PORT})` },
    topics: {
      kind: 'text',
      help: "only these topics, comma-separated (default: every topic but Kafka's own and the checks' throw-away ones)",
    },
    classroom: { kind: 'switch', help: 'the classroom view: every learner × every lesson, from their npm run check' },
  },
} as const;

runCli(
  command,
  async ({ flags, stop }) => {
    const port = flags.port ?? DEFAULT_PORT;
    if (port > 65535) throw new ConfigError(`--port needs a port number up to 65535, got ${port}`);
    const topics = flags.topics
      ?.split(',')
      .map((topic) => topic.trim())
      .filter(Boolean);

    const { brokers } = await findOrStartBroker('persistent', (line) => console.log(line));
    const dashboard = new Dashboard({
      connection: { ...kafkaConfig(`workshop-dashboard-${process.pid}`, brokers), retry: { retries: 1 } },
      bootstrap: brokers,
      classroom: flags.classroom ?? false,
      ...(topics?.length ? { topics } : {}),
      lessons: listLessons().map((lesson) => ({ id: lesson.id, title: lesson.title })),
    });
    const server = await startServer(port, () => dashboard.view());
    dashboard.on('change', () => server.changed());
    dashboard.start();
    console.log(
      `📺 Dashboard${flags.classroom ? ' (classroom view)' : ''} at ${server.url}, reading Kafka at ${brokers.join(',')}`,
    );
    console.log('   Open it in your browser. Ctrl+C stops it.');
    await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
    await dashboard.stop();
    await server.close();
    console.log('👋 Dashboard stopped.');
  },
  { gracefulStop: true },
);
