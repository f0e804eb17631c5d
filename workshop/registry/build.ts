import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeAbandonedPartials, runMaven, workshopCacheDir } from '../broker/jars.ts';
import { renameWithRetry } from '../platform/rename.ts';
import { APICURIO_VERSION } from './version.ts';

const POM = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pom.xml');
const COMPLETE_MARKER = '.complete';
export const RUNNER_JAR = 'quarkus-run.jar';

/** Where the built registry lives: beside the Kafka jars, outside the repo, once per machine. */
export function registryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(workshopCacheDir(env), `apicurio-registry-${APICURIO_VERSION}`);
}

export function cachedRegistryBuild(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = registryCacheDir(env);
  return fs.existsSync(path.join(dir, COMPLETE_MARKER)) ? dir : undefined;
}

/**
 * The registry, ready to run (a folder holding quarkus-run.jar), built with Maven on first use.
 * Maven builds in a temporary folder whose result is moved into place only when the build is
 * whole, so an interrupted build leaves nothing half-done: the next try simply starts again.
 */
export async function ensureRegistryBuild(
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const cached = cachedRegistryBuild(env);
  if (cached) return cached;

  const target = registryCacheDir(env);
  const partial = `${target}.partial-${process.pid}`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  removeAbandonedPartials(target);

  log(`First use: building the schema registry (Apicurio Registry ${APICURIO_VERSION}) with Maven into ${target}.`);
  log(
    'It downloads about 230 MB from Maven Central and takes a few minutes, once per machine; later starts take seconds.',
  );
  const started = Date.now();
  let building = false;
  await runMaven(
    // -D%prod…: the registry's own application.properties asks for a legacy jar; a fast jar starts sooner
    ['package', '-DskipTests', `-Dregistry.build.directory=${partial}`, '-D%prod.quarkus.package.type=fast-jar'],
    log,
    env,
    {
      pom: POM,
      what: 'build the schema registry',
      withoutMaven: 'or point the workshop at a registry of your own with SCHEMA_REGISTRY_URL.',
      progress: (line) => {
        if (building || !/quarkus-maven-plugin:[^:]+:build/.test(line)) return undefined;
        building = true;
        return `  … downloads done after ${Math.round((Date.now() - started) / 1000)} s; Quarkus now assembles the registry (a minute or two)`;
      },
    },
  );

  const app = path.join(partial, 'quarkus-app');
  if (!fs.existsSync(path.join(app, RUNNER_JAR)))
    throw new Error(`Maven finished, but ${path.join(app, RUNNER_JAR)} is missing: the build went wrong`);
  fs.writeFileSync(path.join(app, COMPLETE_MARKER), `${APICURIO_VERSION}\n`);
  fs.rmSync(target, { recursive: true, force: true });
  await renameWithRetry(app, target);
  fs.rmSync(partial, { recursive: true, force: true });
  log(`Schema registry built in ${Math.round((Date.now() - started) / 1000)} s: ${target}.`);
  return target;
}
