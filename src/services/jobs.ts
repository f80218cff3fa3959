/**
 * Jobs: long work that a request starts and a client polls with GET /v1/jobs/:id. Job state lives in the database
 * (src/db/jobs.ts), so any instance can report it. The work itself runs in the process that accepted the request.
 *
 * A graceful shutdown records unfinished jobs as failed (`close`). NOTE: a job whose process dies mid-run stays
 * "running" for good, with an unchanged `percent`. A heartbeat column would let other instances mark it failed.
 */

import { randomUUID } from 'node:crypto';

import type { FastifyBaseLogger } from 'fastify';

import type { Progress } from '../compute/progress.js';
import type { Database } from '../db/database.js';
import { findJob, finishJob, insertJob, type JobRecord, markJobRunning, updateJobProgress } from '../db/jobs.js';
import { DomainError } from '../errors.js';

/** Shortest interval between two progress writes of one job, in milliseconds. */
const PROGRESS_WRITE_INTERVAL_MS = 250;

export interface JobView extends JobRecord {
  /** Milliseconds from creation to start, and from start to finish (or to now while running); null before. */
  timings: { queuedMs: number | null; runMs: number | null };
}

export function jobView(job: JobRecord, now = Date.now()): JobView {
  const created = Date.parse(job.createdAt);
  const started = job.startedAt === null ? null : Date.parse(job.startedAt);
  const finished = job.finishedAt === null ? null : Date.parse(job.finishedAt);
  return {
    ...job,
    timings: {
      queuedMs: started === null ? null : Math.max(0, started - created),
      runMs: started === null ? null : Math.max(0, (finished ?? now) - started),
    },
  };
}

export interface JobContext {
  id: string;
  /** Records a progress report; writes are throttled, and the last one before the job ends is kept. */
  progress: (progress: Progress) => void;
}

export class JobRunner {
  readonly #database: () => Promise<Database>;
  readonly #log: FastifyBaseLogger;
  /** Jobs started by this runner and not yet recorded as finished, by id. */
  readonly #running = new Map<string, Promise<void>>();

  constructor(database: () => Promise<Database>, log: FastifyBaseLogger) {
    this.#database = database;
    this.#log = log;
  }

  /**
   * Records a queued job and starts `work` without waiting for it. The work's result becomes the job's `result`;
   * a DomainError it throws becomes the job's `error` ({ code, message, ...params }), anything else INTERNAL_ERROR.
   */
  async start(kind: string, request: Record<string, unknown>, work: (job: JobContext) => Promise<Record<string, unknown>>): Promise<JobView> {
    const db = await this.#database();
    const job = await insertJob(db, { id: randomUUID(), kind, request });

    const run = this.#run(db, job.id, work).finally(() => this.#running.delete(job.id));
    this.#running.set(job.id, run);
    return jobView(job);
  }

  async get(id: string): Promise<JobView> {
    const job = await findJob(await this.#database(), id);
    if (!job) throw new DomainError('JOB_NOT_FOUND', { job: id });
    return jobView(job);
  }

  /** Waits until every job started by this runner has been recorded as finished. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()]);
  }

  /**
   * Waits up to `graceMs` for this runner's jobs, then records the ones still running as failed with SHUTTING_DOWN,
   * before the worker pool and the database close under them. Later outcomes of those jobs no longer change them.
   */
  async close(graceMs: number): Promise<void> {
    if (this.#running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.settled(), grace]);
    clearTimeout(timer);

    const unfinished = [...this.#running.keys()];
    if (unfinished.length === 0) return;
    const db = await this.#database();
    const { statusCode: _status, error: _reason, ...error } = new DomainError('SHUTTING_DOWN').toBody();
    for (const id of unfinished) {
      this.#log.warn({ job: id }, 'job stopped by shutdown');
      await finishJob(db, id, { error }).catch((failure: unknown) => this.#log.error({ err: failure, job: id }, 'job failure could not be recorded'));
    }
  }

  async #run(db: Database, id: string, work: (job: JobContext) => Promise<Record<string, unknown>>): Promise<void> {
    // Progress writes run one after another, so an older report never overwrites a newer one.
    let writes: Promise<void> = Promise.resolve();
    let lastWrite = 0;
    let pending: Progress | undefined;
    const write = (progress: Progress) => {
      writes = writes
        .then(() => updateJobProgress(db, id, Math.min(100, Math.max(0, progress.fraction * 100)), progress.stage))
        .catch((error: unknown) => this.#log.warn({ err: error, job: id }, 'job progress could not be recorded'));
    };
    const progress = (report: Progress) => {
      pending = report;
      const now = Date.now();
      if (now - lastWrite < PROGRESS_WRITE_INTERVAL_MS) return;
      lastWrite = now;
      pending = undefined;
      write(report);
    };

    const started = performance.now();
    try {
      await markJobRunning(db, id);
      this.#log.info({ job: id }, 'job started');
      const result = await work({ id, progress });
      if (pending) write(pending);
      await writes;
      await finishJob(db, id, { result });
      this.#log.info({ job: id, seconds: (performance.now() - started) / 1000 }, 'job succeeded');
    } catch (error) {
      await writes;
      const rejection = error instanceof DomainError ? error : new DomainError('INTERNAL_ERROR');
      if (error instanceof DomainError) this.#log.info({ job: id, code: rejection.code }, 'job failed');
      else this.#log.error({ err: error, job: id }, 'job failed with an unexpected error');
      const { statusCode: _status, error: _reason, ...body } = rejection.toBody();
      await finishJob(db, id, { error: body }).catch((failure: unknown) => this.#log.error({ err: failure, job: id }, 'job failure could not be recorded'));
    }
  }
}
