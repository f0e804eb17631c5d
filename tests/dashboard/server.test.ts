import http from 'node:http';
import net from 'node:net';
import { describe, expect, inject, test } from 'vitest';
import { freePort } from '../../workshop/broker/ports.ts';
import { DashboardModel } from '../../dashboard/model.ts';
import { ServerStartError, startServer } from '../../dashboard/server.ts';
import { learnerEnv, runWorkshopCli, STACK_FRAME } from '../support/spawn-cli.ts';

const view = () => new DashboardModel({ mode: 'live', bootstrap: ['localhost:9092'], showing: 'every topic' }).view();

function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
        // the event stream never ends: its first event is enough
        if (path === '/events' && body.includes('\n\n')) response.destroy();
      });
      response.on('close', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

describe('the dashboard server', () => {
  test('serves the page, the view as JSON and as an event stream, on 127.0.0.1 only', async () => {
    const server = await startServer(await freePort(), view);
    try {
      const page = await get(server.port, '/');
      expect(page.status).toBe(200);
      expect(page.body).toContain('<script type="module" src="app.js"></script>');
      expect(JSON.parse((await get(server.port, '/api/view')).body)).toMatchObject({ mode: 'live' });
      const events = await get(server.port, '/events');
      expect(events.body).toMatch(/^retry: 1000\ndata: \{"mode":"live",/);
      // another host name (a DNS rebinding page) and paths outside public/ are refused
      expect((await get(server.port, '/', `evil.example:${server.port}`)).status).toBe(403);
      expect((await get(server.port, '/../server.ts')).status).toBe(404);
      expect((await get(server.port, '/%2e%2e/server.ts')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  test('a port already taken is one clear message', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const failure = await startServer(port, view).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ServerStartError);
      expect((failure as Error).message).toBe(
        `port ${port} is taken by another program (a dashboard already running? open http://127.0.0.1:${port}/). ` +
          `Stop it, or choose another port: npm run dashboard -- --port ${port + 1}`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe('npm run dashboard, as a learner runs it', () => {
  const env = () => learnerEnv({ KAFKA_BROKERS: inject('brokers').join(',') });

  test('on a taken port: one line, no stack, a non-zero exit', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const run = await runWorkshopCli('dashboard/main.ts', ['--port', String(port)], env());
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^❌ port ${port} is taken by another program`)),
      ]);
      expect(run.output).not.toMatch(STACK_FRAME);
    } finally {
      blocker.close();
    }
  });

  test('--help lists the options; a wrong one is named', async () => {
    const help = await runWorkshopCli('dashboard/main.ts', ['--help'], env());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--port[\s\S]*--topics[\s\S]*--classroom/);
    const wrong = await runWorkshopCli('dashboard/main.ts', ['--prot', '8091'], env());
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('unknown option --prot');
  });
});
