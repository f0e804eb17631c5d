// The body of a warm check thread (see warm-thread.mjs): load what every check thread loads,
// then wait to be adopted, take the environment vitest gives its threads, and hand over to
// vitest's own thread entry, which answers the pool from then on.
import { parentPort } from 'node:worker_threads';

const LOADED_BY_EVERY_CHECK = ['vitest', 'vite/module-runner', 'kafkajs', '@faker-js/faker/locale/en'];
// loaded now, in the time the main thread needs to start; a failure here is met again, and
// reported, when the checks import the same package
const loading = Promise.allSettled(LOADED_BY_EVERY_CHECK.map((name) => import(name)));

parentPort.on('message', async function adopt(message) {
  if (message?.warmThread !== 'adopt') return;
  parentPort.off('message', adopt);
  for (const name of Object.keys(process.env)) if (!(name in message.env)) delete process.env[name];
  for (const [name, value] of Object.entries(message.env)) if (value !== undefined) process.env[name] = value;
  await loading;
  await import(message.entry);
  parentPort.postMessage({ warmThread: 'ready' });
});
