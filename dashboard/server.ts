import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { View } from './view.ts';

/** Clear of Kafka UI (8080), the schema registry (8081) and the brokers (9092–9095). */
export const DEFAULT_PORT = 8090;
/** Updates reach each page at most this often: at 1,000 msg/s the page stays current without drowning. */
const PUSH_EVERY_MS = 200;
/** A comment line now and then keeps proxies and browsers from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A problem starting the server that the person can fix; the CLI prints it as one line. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
}

export interface RunningServer {
  url: string;
  port: number;
  /** Tells every open page that the view changed; sends at most every PUSH_EVERY_MS. */
  changed(): void;
  close(): Promise<void>;
}

/**
 * The dashboard's web server, on 127.0.0.1 only: the page (dashboard/public/), the view as
 * JSON (/api/view), and the view again on every change as Server-Sent Events (/events); its
 * own CPU and memory use (/api/usage).
 * Requests that name another host are refused, so a web page elsewhere cannot read it
 * through a DNS trick.
 */
export function startServer(port: number, view: () => View): Promise<RunningServer> {
  const streams = new Set<http.ServerResponse>();
  let lastPush = 0;
  let pending: NodeJS.Timeout | undefined;
  const push = () => {
    pending = undefined;
    lastPush = Date.now();
    if (streams.size === 0) return;
    const event = `data: ${JSON.stringify(view())}\n\n`;
    for (const stream of streams) stream.write(event);
  };
  const changed = () => {
    if (pending) return;
    pending = setTimeout(push, Math.max(0, lastPush + PUSH_EVERY_MS - Date.now()));
  };

  const server = http.createServer((request, response) => {
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(request.headers.host ?? '')) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Open the dashboard at 127.0.0.1\n');
      return;
    }
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (url.pathname === '/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // a page whose server restarts tries again after a second, by itself
      response.write(`retry: 1000\ndata: ${JSON.stringify(view())}\n\n`);
      streams.add(response);
      const keepAlive = setInterval(() => response.write(': still here\n\n'), KEEP_ALIVE_MS);
      request.once('close', () => {
        clearInterval(keepAlive);
        streams.delete(response);
      });
      return;
    }
    if (url.pathname === '/api/usage') {
      // the dashboard's own cost, for npm run bench: CPU time since it started, and memory
      const body = {
        cpuMicros: process.cpuUsage(),
        uptimeMs: Math.round(process.uptime() * 1000),
        rss: process.memoryUsage().rss,
      };
      send(response, 200, 'application/json; charset=utf-8', JSON.stringify(body));
      return;
    }
    if (url.pathname === '/api/view') {
      send(response, 200, 'application/json; charset=utf-8', JSON.stringify(view()));
      return;
    }
    serveStatic(url.pathname, response);
  });

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(startProblem(error, port)));
    server.listen(port, '127.0.0.1', () => {
      const actual = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        port: actual,
        changed,
        close: () =>
          new Promise<void>((done) => {
            clearTimeout(pending);
            for (const stream of streams) stream.end();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function serveStatic(pathname: string, response: http.ServerResponse): void {
  const name = pathname === '/' ? 'index.html' : pathname.slice(1);
  // only the files in public/, by their plain names: no folders, no way out
  if (!/^[a-z0-9-]+\.(html|js|css|svg)$/.test(name)) return send(response, 404, 'text/plain', 'Not found\n');
  const file = path.join(PUBLIC_DIR, name);
  fs.readFile(file, (error, body) => {
    if (error) return send(response, 404, 'text/plain', 'Not found\n');
    send(response, 200, CONTENT_TYPES[path.extname(name)]!, body);
  });
}

function send(response: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // the page loads nothing from anywhere else: no CDN, no inline script
    'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'",
  });
  response.end(body);
}

function startProblem(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new ServerStartError(
      `port ${port} is taken by another program (a dashboard already running? open http://127.0.0.1:${port}/). ` +
        `Stop it, or choose another port: npm run dashboard -- --port ${port + 1}`,
    );
  }
  if (error.code === 'EACCES') {
    return new ServerStartError(`port ${port} needs special rights here: choose one above 1023 with --port`);
  }
  return error;
}
