import { countOutcomes, isGreen, type LessonResult } from './check/outcome.ts';
import { kafkaConfig, learnerPrefix, newKafka } from './config.ts';
import { workshopEnv } from './env.ts';
import { within } from './wait.ts';

/**
 * The classroom feed: with WORKSHOP_LEARNER set, each `npm run check` of a lesson also
 * publishes its outcome to one topic on the room's cluster, and `npm run dashboard -- --classroom`
 * shows the room as learners × lessons. Without WORKSHOP_LEARNER nothing is published.
 */
export const DEFAULT_CLASSROOM_TOPIC = 'workshop.check-outcomes';

/** How long sharing a result may add to a check before it is given up. */
const PUBLISH_TIMEOUT_MS = 5000;

export type LessonState = 'passed' | 'failed' | 'not done';

/** One message on the classroom topic, keyed by the learner's name. */
export interface CheckOutcomeRecord {
  learner: string;
  lesson: string;
  state: LessonState;
  passed: number;
  failed: number;
  todo: number;
  /** ISO time of the check. */
  at: string;
}

/** WORKSHOP_CLASSROOM_TOPIC names the room's topic; the default suits one room per cluster. */
export function classroomTopic(env: NodeJS.ProcessEnv = workshopEnv()): string {
  return env.WORKSHOP_CLASSROOM_TOPIC?.trim() || DEFAULT_CLASSROOM_TOPIC;
}

/** The learner's name from WORKSHOP_LEARNER (checked as the topic prefix is), or undefined. */
export function learnerName(env: NodeJS.ProcessEnv = workshopEnv()): string | undefined {
  const prefix = learnerPrefix(env);
  return prefix === '' ? undefined : prefix.slice(0, -1);
}

export function lessonState(result: LessonResult): LessonState {
  if (isGreen(result)) return 'passed';
  const { failed, todo } = countOutcomes(result);
  return failed === 0 && todo > 0 ? 'not done' : 'failed';
}

export function outcomeRecord(learner: string, result: LessonResult, at = new Date()): CheckOutcomeRecord {
  // file and type errors show in the state ('failed'); the room's grid counts checks only
  const { passed, failed, todo } = countOutcomes(result);
  return { learner, lesson: result.lessonId, state: lessonState(result), passed, failed, todo, at: at.toISOString() };
}

/** A message from the classroom topic, or undefined when it is not one (a stray write, a newer format). */
export function parseOutcomeRecord(value: Buffer | null): CheckOutcomeRecord | undefined {
  if (value === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const text = (name: string) => {
    const field = record[name];
    return typeof field === 'string' ? field : undefined;
  };
  const count = (name: string) => (Number.isSafeInteger(record[name]) ? (record[name] as number) : 0);
  const [learner, lesson, state, at] = [text('learner'), text('lesson'), text('state'), text('at')];
  if (!learner || !lesson || !at || !['passed', 'failed', 'not done'].includes(state ?? '')) return undefined;
  return {
    learner,
    lesson,
    state: state as LessonState,
    passed: count('passed'),
    failed: count('failed'),
    todo: count('todo'),
    at,
  };
}

/**
 * Publishes a check's outcome for the classroom view when WORKSHOP_LEARNER is set. It never
 * fails the check: a cluster that refuses (no permission on the topic, say) costs one warning
 * line and at most a few seconds.
 */
export async function shareWithClassroom(
  result: LessonResult,
  brokers: string[],
  print: (line: string) => void,
  env: NodeJS.ProcessEnv = workshopEnv(),
): Promise<void> {
  const learner = learnerName(env);
  if (!learner) return;
  const topic = classroomTopic(env);
  const record = outcomeRecord(learner, result);
  const kafka = newKafka(kafkaConfig(`${learner}.classroom`, brokers, env));
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const publish = async () => {
    await Promise.all([admin.connect(), producer.connect()]);
    // a managed cluster may not let learners create topics: then the instructor has made it
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }).catch(() => false);
    await producer.send({ topic, acks: -1, messages: [{ key: learner, value: JSON.stringify(record) }] });
  };
  try {
    await within(publish(), PUBLISH_TIMEOUT_MS, `no answer within ${PUBLISH_TIMEOUT_MS / 1000} s`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    print(
      `⚠️  Could not share this result with the classroom on topic ${topic} (${reason}); the check itself is unaffected.`,
    );
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]).catch(() => undefined);
  }
}
