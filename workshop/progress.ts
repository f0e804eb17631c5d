import { ConfigError } from './config.ts';
import { findLesson, listLessons, type Lesson } from './lessons.ts';
import { lessonState, readState, type LessonState, type WorkshopState } from './state.ts';

/** The lesson to work on: the first one not yet green. Undefined when every lesson is. */
export function currentLesson(lessons: readonly Lesson[], state: WorkshopState): Lesson | undefined {
  return lessons.find((lesson) => lessonState(state.lessons[lesson.id]) !== 'done');
}

/** The named lesson or, with no name, the current one (the last once every lesson is done). */
export function lessonOrCurrent(name: string | undefined, lessons = listLessons(), state = readState()): Lesson {
  const lesson = name ? findLesson(name, lessons) : (currentLesson(lessons, state) ?? lessons.at(-1));
  if (!lesson) throw new ConfigError('there are no lessons in lessons/');
  return lesson;
}

const ICONS: Record<LessonState, string> = { done: '✅', failing: '❌', 'not started': '⬜' };

/** One row per lesson: number, title, state and when it was last checked. */
export function progressTable(lessons: readonly Lesson[], state: WorkshopState, now = new Date()): string[] {
  const titleWidth = Math.max(5, ...lessons.map((lesson) => lesson.title.length));
  const rows = lessons.map((lesson) => {
    const record = state.lessons[lesson.id];
    const status = lessonState(record);
    const checked = record?.lastCheck ? timeAgo(new Date(record.lastCheck.at), now) : '—';
    return `${lesson.id}  ${lesson.title.padEnd(titleWidth)}  ${ICONS[status]} ${status.padEnd(11)}  ${checked}`;
  });
  const header = `${'Lesson'.padEnd(9)}  ${'Title'.padEnd(titleWidth)}  ${'State'.padEnd(14)}  Last checked`;
  return [header, ...rows];
}

/** The table, then the bar: what `npm run progress` and the `l` key of `watch` show. */
export function progressReport(lessons: readonly Lesson[], state: WorkshopState, now = new Date()): string[] {
  const done = lessons.filter((lesson) => lessonState(state.lessons[lesson.id]) === 'done').length;
  return [...progressTable(lessons, state, now), '', progressBar(done, lessons.length)];
}

export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} lessons done (${percent}%)`;
}

export function timeAgo(then: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}
