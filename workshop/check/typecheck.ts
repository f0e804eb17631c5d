import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Lesson } from '../lessons.ts';
import { PROJECT_ROOT, STATE_DIR } from '../paths.ts';
import { writeFileAtomically } from '../platform/atomic-write.ts';

/** What tsc says about a lesson's files: one "file:line:column TSnnnn: message" per error. */
export interface TypeCheckResult {
  errors: string[];
  /** Set when the type check itself could not run (the checks still count). */
  problem?: string;
}

interface WorkerAnswer {
  id: number;
  diagnostics?: string[];
  files?: string[];
  error?: string;
}

interface CacheEntry {
  /** The project files the program read (the lesson's and what they import), relative to the root. */
  files: string[];
  hash: string;
  errors: string[];
}

const WORKER = new URL('./typecheck-worker.mjs', import.meta.url);
/** The answers for files whose text has not changed; after an edit the check runs again. */
export const TYPECHECK_CACHE_FILE = path.join(STATE_DIR, 'typecheck-cache.json');
/** A type check that takes longer than this (a machine under heavy load) is given up, not waited for. */
const GIVE_UP_MS = 60_000;

/**
 * Type-checks lesson files beside the broker checks, in a worker thread, over just those files
 * and what they import. The answer for files whose text has not changed since is remembered
 * in .workshop/, so re-running a check without an edit costs nothing; a checker kept open
 * (npm run watch) also keeps what it parsed, so after a save it reads only the changed file.
 */
export class LessonTypeChecker {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: WorkerAnswer) => void>();
  /** Checks in progress by folder: asking twice while the first is running gets the first's answer. */
  private readonly inFlight = new Map<string, Promise<TypeCheckResult>>();

  constructor(private readonly cacheFile = TYPECHECK_CACHE_FILE) {}

  check(lesson: Lesson, dir: string): Promise<TypeCheckResult> {
    const running = this.inFlight.get(dir);
    if (running) return running;
    const answer = this.checkNow(lesson, dir).finally(() => this.inFlight.delete(dir));
    this.inFlight.set(dir, answer);
    return answer;
  }

  private async checkNow(lesson: Lesson, dir: string): Promise<TypeCheckResult> {
    const roots = lesson.files.map((file) => path.join(dir, file));
    const key = path.relative(PROJECT_ROOT, dir).split(path.sep).join('/');
    const cached = readCache(this.cacheFile)[key];
    if (cached && hashOf(cached.files) === cached.hash) return { errors: cached.errors };
    const answer = await this.ask(roots);
    if (answer.error !== undefined || !answer.diagnostics || !answer.files)
      return { errors: [], problem: `the type check could not run: ${answer.error ?? 'no answer'}` };
    writeCache(this.cacheFile, key, { files: answer.files, hash: hashOf(answer.files), errors: answer.diagnostics });
    return { errors: answer.diagnostics };
  }

  /**
   * Parses a lesson's files and everything they import, answering nothing: a checker kept open
   * (the check server) then reads only the files that changed when the lesson is checked.
   */
  prepare(lesson: Lesson, dir: string): void {
    void this.ask(lesson.files.map((file) => path.join(dir, file)));
  }

  /** Ends the worker thread; a later check starts a new one. */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ask(roots: string[]): Promise<WorkerAnswer> {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ id, error: `no answer within ${GIVE_UP_MS / 1000} s` });
      }, GIVE_UP_MS);
      timer.unref();
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      // a question in progress keeps the process alive; an idle worker does not
      worker.ref();
      worker.postMessage({ id, roots });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER, { workerData: { projectRoot: PROJECT_ROOT } });
    worker.on('message', (answer: WorkerAnswer) => {
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) worker.unref();
    });
    const failAll = (error: string) => {
      for (const [id, resolve] of this.waiting) resolve({ id, error });
      this.waiting.clear();
      this.worker = undefined;
    };
    worker.on('error', (error) => failAll(error.message));
    worker.on('exit', (code) => failAll(`the type checker stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }
}

/** Everything the answer depends on: the files' text, the compiler's settings and the installed packages. */
function hashOf(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of ['tsconfig.json', 'package-lock.json', 'workshop/check/typecheck-worker.mjs', ...files]) {
    hash.update(file);
    try {
      hash.update(fs.readFileSync(path.join(PROJECT_ROOT, file)));
    } catch {
      hash.update('(missing)');
    }
  }
  return hash.digest('hex');
}

function readCache(file: string): Record<string, CacheEntry> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, CacheEntry>;
  } catch {
    return {};
  }
}

/** Read, change, write: two checks at once never leave half a file. */
function writeCache(file: string, key: string, entry: CacheEntry): void {
  try {
    writeFileAtomically(file, JSON.stringify({ ...readCache(file), [key]: entry }));
  } catch {
    // a cache that cannot be written only costs time next run
  }
}
