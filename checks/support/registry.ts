import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { registryUrlFromEnv } from '../../workshop/registry/probe.ts';
import { ccompatUrl, DEFAULT_REGISTRY_HOST } from '../../workshop/registry/version.ts';
import type { CheckContext } from './context.ts';
import { pause } from '../../workshop/wait.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Confluent-compatible API of the run's schema registry, when a lesson of the run needs one. */
    registry: string;
  }
}

/**
 * A registry on a busy laptop can take seconds to answer, and under CI's load a request once went
 * unanswered for 15 s and failed its check. A request unanswered in this time is sent again (see
 * withRaceRetries), which leaves room inside the checks' own time limits for a second try.
 */
const REQUEST_TIMEOUT_MS = 6_000;

/** One HTTP request the learner's code made to the registry, and the registry's answer. */
export interface RegistryExchange {
  method: string;
  /** The path below the registry's base URL, such as "/subjects/t-value/versions". */
  path: string;
  requestBody: string;
  status: number;
  responseBody: string;
}

/** The registry's URL: the one the run provided, else SCHEMA_REGISTRY_URL, else the workshop's usual address. */
export function runRegistryUrl(): string {
  let provided: string | undefined;
  try {
    provided = inject('registry');
  } catch {
    provided = undefined;
  }
  return provided ?? registryUrlFromEnv() ?? ccompatUrl(DEFAULT_REGISTRY_HOST);
}

/**
 * The schema registry as a check sees it: the learner's code talks to it through a recording
 * proxy on loopback (the registry's side of "the wire"), and the check asks the registry itself
 * what it holds. Every subject the run touched is deleted when the check ends.
 */
export class CheckRegistry {
  readonly exchanges: RegistryExchange[] = [];
  private readonly subjects = new Set<string>();
  private server: http.Server | undefined;
  private tapUrl: string | undefined;

  constructor(
    ctx: CheckContext,
    readonly url = runRegistryUrl(),
  ) {
    ctx.onCleanup(() => this.close());
  }

  /** The settings for the learner's SchemaRegistry client: the tap's address, few retries. */
  async connection(): Promise<{ host: string; retry: { retries: number; initialRetryTimeInSecs: number } }> {
    return { host: await this.tap(), retry: { retries: 1, initialRetryTimeInSecs: 0.1 } };
  }

  /** Marks a subject the check created itself, so it is deleted afterwards. */
  own(subject: string): string {
    this.subjects.add(subject);
    return subject;
  }

  /** A GET on the registry itself (not through the tap); undefined on 404. */
  async get<T>(path: string): Promise<T | undefined> {
    const response = await withRaceRetries(() =>
      fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
    );
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`the schema registry answered HTTP ${response.status} to GET ${path}`);
    return (await response.json()) as T;
  }

  /** A request with a JSON body on the registry itself: status and parsed answer. */
  async send(method: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await withRaceRetries(() =>
      fetch(`${this.url}${path}`, {
        method,
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }),
    );
    return { status: response.status, body: await response.json().catch(() => undefined) };
  }

  /** The schema the registry holds under `id`, as the JSON text it stores, or undefined when it knows no such id. */
  async schemaById(id: number): Promise<string | undefined> {
    return (await this.get<{ schema: string }>(`/schemas/ids/${id}`))?.schema;
  }

  async versions(subject: string): Promise<number[]> {
    return (await this.get<number[]>(`/subjects/${encodeURIComponent(subject)}/versions`)) ?? [];
  }

  /** The subject's own compatibility level, or undefined when it has none of its own. */
  async compatibility(subject: string): Promise<string | undefined> {
    const config = await this.get<{ compatibilityLevel?: string }>(`/config/${encodeURIComponent(subject)}`);
    return config?.compatibilityLevel?.toUpperCase();
  }

  /** Registers a schema as the check's own producer would, with BACKWARD compatibility; returns its id. */
  async register(subject: string, schema: unknown): Promise<number> {
    this.own(subject);
    const path = `/subjects/${encodeURIComponent(subject)}/versions`;
    const registered = await this.send('POST', path, { schema: JSON.stringify(schema) });
    if (registered.status !== 200)
      throw new Error(
        `the registry answered HTTP ${registered.status} to the check's registration: ${JSON.stringify(registered.body)}`,
      );
    await this.send('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: 'BACKWARD' });
    return (registered.body as { id: number }).id;
  }

  private async tap(): Promise<string> {
    if (this.tapUrl) return this.tapUrl;
    const upstream = new URL(this.url);
    const basePath = upstream.pathname.replace(/\/$/, '');
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const requestBody = Buffer.concat(chunks);
        const path = request.url ?? '/';
        const subject = /^\/subjects\/([^/?]+)/.exec(path)?.[1];
        if (subject) this.subjects.add(decodeURIComponent(subject));
        withRaceRetries(() =>
          fetch(`${upstream.origin}${basePath}${path}`, {
            method: request.method,
            headers: { 'Content-Type': request.headers['content-type'] ?? 'application/json' },
            body: ['GET', 'HEAD'].includes(request.method ?? 'GET') ? undefined : requestBody,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          }),
        ).then(
          async (answer) => {
            const responseBody = await answer.text();
            this.exchanges.push({
              method: request.method ?? 'GET',
              path,
              requestBody: requestBody.toString('utf8'),
              status: answer.status,
              responseBody,
            });
            response.writeHead(answer.status, {
              'Content-Type': answer.headers.get('content-type') ?? 'application/json',
            });
            response.end(responseBody);
          },
          (error: unknown) => {
            response.writeHead(502, { 'Content-Type': 'application/json' });
            response.end(
              JSON.stringify({ message: `the check's proxy could not reach the registry: ${String(error)}` }),
            );
          },
        );
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.tapUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.tapUrl;
  }

  private async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
    for (const subject of this.subjects) {
      const path = `${this.url}/subjects/${encodeURIComponent(subject)}`;
      // a soft delete first: Confluent's registry deletes permanently only what was deleted once
      await fetch(path, { method: 'DELETE', signal: AbortSignal.timeout(3000) }).catch(() => undefined);
      await fetch(`${path}?permanent=true`, { method: 'DELETE', signal: AbortSignal.timeout(3000) }).catch(
        () => undefined,
      );
    }
  }
}

/**
 * Apicurio Registry 2.4 looks a new schema up, then inserts it, without a lock: when two checks
 * register the same new schema at the same moment, one of them gets HTTP 500 (a unique-key
 * violation in its database), or 409 "already exists" for a subject that a failed attempt half
 * created. A moment later the schema exists and the same request succeeds, so the checks'
 * requests are retried then; the learner's code never sees the registry's race. A request left
 * unanswered is sent again too.
 */
async function withRaceRetries(request: () => Promise<Response>, attempts = 8): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await request();
    } catch (error) {
      // every request here can be sent twice: a registration of a schema the registry holds returns its id
      if (attempt >= 3 || !unanswered(error)) throw error;
      continue;
    }
    if (attempt === attempts || !(await lostARace(response))) return response;
    await response.body?.cancel().catch(() => undefined);
    await pause(100 * attempt + Math.random() * 100);
  }
}

/** No answer in time, or a connection the registry closed under the request. */
function unanswered(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.message === 'fetch failed');
}

async function lostARace(response: Response): Promise<boolean> {
  if (response.status >= 500) return true;
  if (response.status !== 409) return false;
  const body = await response.clone().text();
  return /already exists/.test(body);
}
