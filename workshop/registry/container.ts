import { Wait } from 'testcontainers';
import { LoopbackContainer } from '../broker/containers.ts';
import { freePort } from '../broker/ports.ts';
import { REGISTRY_IMAGE, ccompatUrl } from './version.ts';

/** A throw-away registry container for the test suite, published on a free loopback port. */
export async function startRegistryContainer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const container = new LoopbackContainer(REGISTRY_IMAGE)
    .withLoopbackPort(port)
    // the image's settings read the port from HTTP_PORT
    .withEnvironment({ HTTP_PORT: String(port) })
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', port));
  const started = await container.start();
  return { url: ccompatUrl(`127.0.0.1:${port}`), stop: async () => void (await started.stop()) };
}
