import fs from 'node:fs';
import path from 'node:path';
import { countOutcomes, focusStep, isGreen, type LessonResult } from './check/outcome.ts';
import { STATE_DIR } from './paths.ts';
import { writeFileAtomically } from './platform/atomic-write.ts';

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
  /** Type errors and errors outside any check. */
  errors?: number;
  /** The README step the run pointed the learner at: `npm run hint` shows its hints. */
  step?: number;
}

export interface LessonRecord {
  lastCheck?: LastCheck;
  /** Hints shown in the README's order (`npm run hint -- --all`, or a lesson with no step to point at). */
  hintsShown?: number;
  /** Hints shown for each step, by step number: each `npm run hint` gives the next one for its step. */
  hintsShownByStep?: Record<string, number>;
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

/** Read, change, write: a reader (or a crash) never sees half a file. */
export function updateState(change: (state: WorkshopState) => void, file = STATE_FILE): WorkshopState {
  const state = readState(file);
  change(state);
  writeFileAtomically(file, `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

export function recordCheck(result: LessonResult, now = new Date(), file = STATE_FILE): void {
  updateState((state) => {
    const record = (state.lessons[result.lessonId] ??= {});
    const step = focusStep(result);
    record.lastCheck = {
      green: isGreen(result),
      at: now.toISOString(),
      ...countOutcomes(result),
      ...(step === undefined ? {} : { step }),
    };
  }, file);
}

export function recordHintsShown(lessonId: string, shown: number, file = STATE_FILE): void {
  updateState((state) => {
    (state.lessons[lessonId] ??= {}).hintsShown = shown;
  }, file);
}

export function recordStepHintsShown(lessonId: string, step: number, shown: number, file = STATE_FILE): void {
  updateState((state) => {
    const record = (state.lessons[lessonId] ??= {});
    record.hintsShownByStep = { ...record.hintsShownByStep, [String(step)]: shown };
  }, file);
}

export type LessonState = 'done' | 'failing' | 'not started';

export function lessonState(record: LessonRecord | undefined): LessonState {
  if (!record?.lastCheck) return 'not started';
  return record.lastCheck.green ? 'done' : 'failing';
}
