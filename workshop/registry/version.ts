/**
 * The workshop's schema registry: Apicurio Registry, whose Confluent-compatible API lives under
 * /apis/ccompat/v7. The JVM build (pom.xml) and docker-compose.yml use the same version; a test
 * keeps them in step.
 */
export const APICURIO_VERSION = '2.4.2.Final';
export const REGISTRY_IMAGE = `apicurio/apicurio-registry-mem:${APICURIO_VERSION}`;
export const CCOMPAT_PATH = '/apis/ccompat/v7';
/** The port Confluent's registry made the convention. WORKSHOP_LOCAL_REGISTRY moves it, so tests can stand in a machine with none. */
export const REGISTRY_PORT = 8081;
export const DEFAULT_REGISTRY_HOST = process.env.WORKSHOP_LOCAL_REGISTRY ?? `127.0.0.1:${REGISTRY_PORT}`;
/** The URL clients use: the Confluent-compatible API of a registry on this host and port. */
export function ccompatUrl(hostPort: string): string {
  return `http://${hostPort}${CCOMPAT_PATH}`;
}
