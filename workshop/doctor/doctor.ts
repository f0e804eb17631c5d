import { findOrStartBroker } from '../broker/discover.ts';
import { brokersFromEnv } from '../config.ts';
import { dockerEngineAnswers } from '../broker/docker.ts';
import { cachedJarsDir, kafkaHomeLibs } from '../broker/jars.ts';
import { installedJavaMajorVersion, mavenIsInstalled } from '../broker/java.ts';
import { describeJvm, findWorkshopJvms, type WorkshopJvm } from '../broker/inventory.ts';
import { MINIMUM_JAVA } from '../broker/local-broker.ts';
import { portIsOpen, probeKafka } from '../broker/probe.ts';
import { DEFAULT_BROKER } from '../broker/version.ts';
import { describeFailure, runCli } from '../cli/run-cli.ts';
import { line } from './preflight.mjs';
import { produceConsumeRoundTrip } from './round-trip.ts';

/** What the doctor asks the machine; faked in tests. */
export interface DoctorFacts {
  dockerEngine(): Promise<boolean>;
  javaMajorVersion(): number | undefined;
  maven(): boolean;
  kafkaHome: string | undefined;
  kafkaHomeLibs(): string | undefined;
  cachedJars(): string | undefined;
  /** What answers on localhost:9092. */
  port9092(): Promise<'kafka' | 'other' | 'free'>;
}

export const realDoctorFacts: DoctorFacts = {
  dockerEngine: () => dockerEngineAnswers(),
  javaMajorVersion: () => installedJavaMajorVersion(),
  maven: () => mavenIsInstalled(),
  kafkaHome: process.env.KAFKA_HOME,
  kafkaHomeLibs: () => kafkaHomeLibs(),
  cachedJars: () => cachedJarsDir(),
  async port9092() {
    if (!(await portIsOpen(DEFAULT_BROKER))) return 'free';
    return (await probeKafka([DEFAULT_BROKER])).ok ? 'kafka' : 'other';
  },
};

export interface Findings {
  lines: string[];
  problems: number;
}

/**
 * The ways to get a broker on this machine. Each is optional (➖ says how to enable it); it is
 * a problem (❌) only when no way works and no broker is already running.
 */
export async function brokerPathFindings(facts: DoctorFacts, brokerRunning: boolean): Promise<Findings> {
  const docker = await facts.dockerEngine();
  const java = facts.javaMajorVersion();
  const javaOk = java !== undefined && java >= MINIMUM_JAVA;
  const maven = facts.maven();
  const homeLibs = facts.kafkaHomeLibs();
  const jars = facts.cachedJars();
  const jvmBroker = javaOk && (maven || jars !== undefined);

  const lines = [
    docker
      ? line(true, 'Docker engine answers: docker compose up -d starts Kafka and Kafka UI')
      : line('optional', 'Docker engine: not answering', 'install Docker Desktop (or Docker Engine) and start it'),
    javaOk
      ? line(true, `Java ${java}: can run the JVM broker (npm run kafka)`)
      : line(
          'optional',
          java === undefined ? 'Java: not found' : `Java ${java}: older than ${MINIMUM_JAVA}`,
          `install a JDK ${MINIMUM_JAVA} or newer (for example Eclipse Temurin) and put it on PATH or in JAVA_HOME`,
        ),
    maven
      ? line(true, 'Maven: can download the Kafka jars (once, about 60 MB)')
      : line('optional', 'Maven: not found', 'install Apache Maven, or set KAFKA_HOME to an unpacked Apache Kafka'),
    facts.kafkaHome === undefined
      ? line(
          'optional',
          'KAFKA_HOME: not set (not needed with Maven)',
          'set KAFKA_HOME to an unpacked Apache Kafka download',
        )
      : homeLibs
        ? line(true, `KAFKA_HOME: Kafka jars in ${homeLibs}`)
        : line(
            false,
            `KAFKA_HOME is ${facts.kafkaHome}, but its libs/ folder has no kafka_2.13 jar`,
            'point KAFKA_HOME at the folder of an unpacked Apache Kafka download, or unset it',
          ),
  ];
  let problems = facts.kafkaHome !== undefined && !homeLibs ? 1 : 0;
  const usable = [...(docker ? ['Docker'] : []), ...(jvmBroker ? ['the JVM broker'] : [])];
  if (usable.length > 0) lines.push(line(true, `A broker can be started here with ${usable.join(' or ')}`));
  else if (brokerRunning)
    lines.push(line(true, 'No broker can be started here, but one is already running: that is enough'));
  else {
    problems += 1;
    lines.push(
      line(
        false,
        'No way to start a broker on this machine',
        `install Docker, or Java ${MINIMUM_JAVA}+ with Maven; or set KAFKA_BROKERS to a broker you have`,
      ),
    );
  }
  return { lines: lines.map((text) => `   ${text.replace(/\n/g, '\n   ')}`), problems };
}

export function portFinding(state: 'kafka' | 'other' | 'free'): Findings {
  if (state === 'kafka') return { lines: [line(true, `Port 9092: Kafka answers on ${DEFAULT_BROKER}`)], problems: 0 };
  if (state === 'free') return { lines: [line(true, 'Port 9092: free for the workshop broker')], problems: 0 };
  return {
    lines: [
      line(
        false,
        'Port 9092: another program listens there, and it is not Kafka',
        'stop that program, or set KAFKA_BROKERS=host:port to a broker of your own',
      ),
    ],
    problems: 1,
  };
}

/**
 * Throw-away broker JVMs whose command is gone hold memory (about 250 MB each) and ports. Not a
 * problem for the workshop itself, so a warning: the fix is one command.
 */
export function leftoverFindings(jvms: readonly WorkshopJvm[]): Findings {
  const leftovers = jvms.filter((jvm) => jvm.leftover);
  if (leftovers.length === 0) return { lines: [line(true, 'No Kafka JVMs left over from earlier runs')], problems: 0 };
  return {
    lines: [
      `⚠️  ${leftovers.length} Kafka JVM${leftovers.length === 1 ? '' : 's'} left over from commands that ended:`,
      ...leftovers.map((jvm) => `   ${describeJvm(jvm)}`),
      '   to free their memory: npm run kafka:stop -- --all   (stops every workshop JVM, yours included)',
    ],
    problems: 0,
  };
}

async function main(preflight: readonly string[]): Promise<number> {
  const print = (text: string) => console.log(text);
  preflight.forEach(print);
  const port = await realDoctorFacts.port9092();
  const paths = await brokerPathFindings(realDoctorFacts, port === 'kafka' || brokersFromEnv() !== undefined);
  print('Broker paths on this machine:');
  paths.lines.forEach(print);
  const portResult = portFinding(port);
  portResult.lines.forEach(print);
  leftoverFindings(findWorkshopJvms()).lines.forEach(print);
  let problems = paths.problems + portResult.problems;

  try {
    // the same broker `npm run check` would use, started the same way when none is running
    const { brokers } = await findOrStartBroker('persistent', (text) => print(`   ${text}`));
    const { ms } = await produceConsumeRoundTrip(brokers);
    print(line(true, `Round trip on ${brokers.join(',')}: one message produced and consumed back in ${ms} ms`));
  } catch (error) {
    problems += 1;
    print(
      line(
        false,
        `Round trip through Kafka failed: ${describeFailure(error).split('\n')[0]}`,
        describeFailure(error).split('\n').slice(1).join('\n   ') ||
          'npm run kafka:status shows the broker and its log',
      ),
    );
  }
  print('');
  print(
    problems === 0
      ? '✅ This laptop is ready for the workshop.'
      : `❌ ${problems} problem${problems === 1 ? '' : 's'}: fix the ❌ lines above, then run npm run doctor again.`,
  );
  return problems === 0 ? 0 : 1;
}

/**
 * Started by workshop/cli/doctor.mjs once Node and npm install are known to be fine, with the
 * lines that say so: they are printed after the command line is read, so --help is only help.
 */
export function runDoctor(preflight: readonly string[]): void {
  runCli(
    {
      program: 'npm run doctor',
      about:
        'Is this laptop ready? Checks Node, npm install, the ways to get a broker, port 9092, and makes a real produce → consume round trip.',
      flags: {},
    },
    () => main(preflight),
  );
}
