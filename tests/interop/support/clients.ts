import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../workshop/paths.ts';
import { WatchedProcess } from '../../../workshop/demo-process.ts';

/**
 * The Kafka clients from outside the JavaScript world that the interop suite runs: Debian's
 * kcat (librdkafka, the C library under Confluent's Go, Python and .NET clients) and
 * python3-kafka (kafka-python). A test that needs one and does not find it fails at once,
 * saying what to install: a skipped interop test would prove nothing.
 */

/** Debian's own Python, where apt puts python3-kafka; `python3` on PATH may be another (pyenv's). */
export const DEBIAN_PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const PYTHON_SCRIPTS = path.join(PROJECT_ROOT, 'tests', 'interop', 'support', 'python');

export function requireKcat(): void {
  const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new Error(
      'kcat is not installed, and this interop test runs it as a librdkafka client: apt-get install -y kcat (macOS: brew install kcat)',
    );
}

export function requirePythonKafka(): void {
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', 'import kafka'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new Error(
      `${DEBIAN_PYTHON} cannot import kafka, and this interop test runs a kafka-python client: apt-get install -y python3-kafka`,
    );
}

/** kcat with `args`, as a running process. */
export function startKcat(args: string[], stdin?: string): WatchedProcess {
  requireKcat();
  return new WatchedProcess('kcat', 'kcat', args, stdin === undefined ? {} : { stdin });
}

/** One of the seed's programs in Python (tests/interop/support/python/<script>.py), as a running process. */
export function startSeedPython(script: 'seed_consumer' | 'seed_producer', args: string[]): WatchedProcess {
  requirePythonKafka();
  return new WatchedProcess(`${script}.py`, DEBIAN_PYTHON, ['-u', path.join(PYTHON_SCRIPTS, `${script}.py`), ...args], {
    env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
  });
}
