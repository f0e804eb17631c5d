import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { findRegistryAt, probeRegistry } from '../../workshop/registry/probe.ts';
import { runRegistryUrl } from '../../checks/support/registry.ts';

/** A local HTTP server that answers every request with `handler`, closed when the test ends. */
async function server(
  handler: http.RequestListener,
  onTestFinished: (cleanup: () => Promise<void>) => void,
): Promise<string> {
  const created = http.createServer(handler);
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise((resolve) => {
        created.closeAllConnections();
        created.close(() => resolve());
      }),
  );
  return `127.0.0.1:${(created.address() as AddressInfo).port}`;
}

test("the run's registry answers, and is found on its host and port whichever API path it serves", async () => {
  const url = runRegistryUrl();
  expect(await probeRegistry(url)).toEqual({ ok: true, url });
  const { host } = new URL(url);
  expect(await findRegistryAt(host)).toMatchObject({ ok: true });
});

test('nothing listening, a web server that is no registry, and one that never answers: each one line, within its timeout', async ({
  onTestFinished,
}) => {
  // port 1: nothing listens there, and no program is handed it (a port found free a moment ago
  // was taken by another test's server in between, and the probe met that server instead)
  const closed = 1;
  expect(await probeRegistry(`http://127.0.0.1:${closed}`)).toEqual({
    ok: false,
    reason: `nothing is listening on 127.0.0.1:${closed}`,
  });

  const notARegistry = await server((_, response) => {
    response.writeHead(404, { 'Content-Type': 'text/html' });
    response.end('<h1>Not found</h1>');
  }, onTestFinished);
  expect(await probeRegistry(`http://${notARegistry}`)).toEqual({
    ok: false,
    reason: `http://${notARegistry} answered HTTP 404 to GET /subjects, so it is not the API of a Confluent-compatible schema registry`,
  });

  const silent = await server(() => undefined, onTestFinished);
  expect(await probeRegistry(`http://${silent}`, 500)).toEqual({
    ok: false,
    reason: `http://${silent} did not answer within 0.5 s`,
  });
});
