import { ConfigError } from '../config.ts';
import { workshopEnv } from '../env.ts';
import { portIsOpen } from '../broker/probe.ts';
import { ccompatUrl } from './version.ts';

export type RegistryProbe = { ok: true; url: string } | { ok: false; reason: string };

/** SCHEMA_REGISTRY_URL (in the environment or .env): the Confluent-compatible API of a registry, or undefined. */
export function registryUrlFromEnv(env: NodeJS.ProcessEnv = workshopEnv()): string | undefined {
  const value = env.SCHEMA_REGISTRY_URL?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `SCHEMA_REGISTRY_URL has "${value}", which is not a URL (for example http://localhost:8081/apis/ccompat/v7)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`SCHEMA_REGISTRY_URL has "${value}": it needs http:// or https://`);
  return value.replace(/\/+$/, '');
}

/**
 * Asks for the list of subjects, the one question every Confluent-compatible registry answers
 * (Confluent's, Apicurio's /apis/ccompat/v7, Karapace, Redpanda). The port test first keeps the
 * "nothing there" case to milliseconds; the timeout keeps a registry that hangs to a few seconds.
 */
export async function probeRegistry(url: string, timeoutMs = 3000): Promise<RegistryProbe> {
  const { hostname, port, protocol } = new URL(url);
  const hostPort = `${hostname}:${port || (protocol === 'https:' ? 443 : 80)}`;
  if (!(await portIsOpen(hostPort, Math.min(timeoutMs, 1000))))
    return { ok: false, reason: `nothing is listening on ${hostPort}` };
  try {
    const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok && Array.isArray(body)) return { ok: true, url };
    if (response.status === 401 || response.status === 403)
      return { ok: false, reason: `${url} refused the request (HTTP ${response.status}): it wants a login` };
    return {
      ok: false,
      reason: `${url} answered HTTP ${response.status} to GET /subjects, so it is not the API of a Confluent-compatible schema registry`,
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      ok: false,
      reason: timedOut
        ? `${url} did not answer within ${timeoutMs / 1000} s`
        : `${url} did not answer (${describeFetchError(error)})`,
    };
  }
}

/**
 * A registry on this host and port, at either address a registry uses: Apicurio's Confluent-compatible
 * API (the workshop's own, and Docker's), or the root, as Confluent's registry serves it.
 */
export async function findRegistryAt(hostPort: string, timeoutMs = 3000): Promise<RegistryProbe> {
  const apicurio = await probeRegistry(ccompatUrl(hostPort), timeoutMs);
  if (apicurio.ok || apicurio.reason.startsWith('nothing is listening')) return apicurio;
  const confluent = await probeRegistry(`http://${hostPort}`, timeoutMs);
  return confluent.ok ? confluent : apicurio;
}

/** Node's fetch says "fetch failed"; the reason is in its cause. */
export function describeFetchError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause?.code) return cause.code === 'ECONNREFUSED' ? 'connection refused' : `${cause.code}`;
  return error instanceof Error ? error.message : String(error);
}
