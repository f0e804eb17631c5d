import fs from 'node:fs';
import path from 'node:path';
import { countOutcomes, isGreen, type LessonResult } from './check/outcome.ts';
import { STATE_DIR } from './paths.ts';

/**
 * The learner's progress, in a git-ignored file: what `check` and `watch` last saw for each
 * lesson, and how many hints were shown. Losing it loses nothing but this record.
 */
export const STATE_FILE = path.join(STATE_DIR, 'progress.json');

export interface LastCheck {
  green: boolean;
  /** ISO time of the run. */
  at: string;
  passed: number;
  failed: number;
  todo: number;
}

export interface LessonRecord {
  lastCheck?: LastCheck;
  hintsShown?: number;
}

export interface WorkshopState {
  lessons: Record<string, LessonRecord>;
}

export function readState(file = STATE_FILE): WorkshopState {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<WorkshopState>;
    return { lessons: typeof parsed.lessons === 'object' && parsed.lessons !== null ? parsed.lessons : {} };
  } catch {
    // missing (a fresh clone) or damaged by hand: start a new record rather than stop the learner
    return { lessons: {} };
  }
}

/**
 * Read, change, write. The write goes to a temporary file that is then renamed over the old
 * one, so a reader (or a crash) never sees half a file.
 */
export function updateState(change: (state: WorkshopState) => void, file = STATE_FILE): WorkshopState {
  const state = readState(file);
  change(state);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(temporary, file);
  return state;
}

export function recordCheck(result: LessonResult, now = new Date(), file = STATE_FILE): void {
  updateState((state) => {
    const record = (state.lessons[result.lessonId] ??= {});
    record.lastCheck = { green: isGreen(result), at: now.toISOString(), ...countOutcomes(result) };
  }, file);
}

export function recordHintsShown(lessonId: string, shown: number, file = STATE_FILE): void {
  updateState((state) => {
    (state.lessons[lessonId] ??= {}).hintsShown = shown;
  }, file);
}

export type LessonState = 'done' | 'failing' | 'not started';

export function lessonState(record: LessonRecord | undefined): LessonState {
  if (!record?.lastCheck) return 'not started';
  return record.lastCheck.green ? 'done' : 'failing';
}
