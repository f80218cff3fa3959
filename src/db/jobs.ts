/**
 * SQL of the `jobs` table. A job moves queued → running → succeeded | failed; each transition sets its timestamp,
 * and the WHERE clauses keep a finished job from being changed again.
 */

import type { Queryable } from './database.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobRecord {
  id: string;
  kind: string;
  state: JobState;
  /** 0 to 100. */
  percent: number;
  stage: string | null;
  /** A summary of the request (never the texts). */
  request: Record<string, unknown>;
  result: Record<string, unknown> | null;
  /** { code, message, ...params } of the catalogue error that failed the job. */
  error: Record<string, unknown> | null;
  /** ISO 8601 timestamps. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface JobRow {
  id: string;
  kind: string;
  state: JobState;
  percent: number;
  stage: string | null;
  request: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

const JOB_COLUMNS = 'id, kind, state, percent, stage, request, result, error, created_at, started_at, finished_at';

function timestamp(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    percent: Number(row.percent),
    stage: row.stage,
    request: row.request,
    result: row.result,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: timestamp(row.started_at),
    finishedAt: timestamp(row.finished_at),
  };
}

export async function insertJob(db: Queryable, job: { id: string; kind: string; request: Record<string, unknown> }): Promise<JobRecord> {
  const { rows } = await db.query<JobRow>(
    `INSERT INTO jobs (id, kind, state, request) VALUES ($1, $2, 'queued', $3::jsonb) RETURNING ${JOB_COLUMNS}`,
    [job.id, job.kind, JSON.stringify(job.request)],
  );
  return toRecord(rows[0]!);
}

export async function findJob(db: Queryable, id: string): Promise<JobRecord | undefined> {
  const { rows } = await db.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function markJobRunning(db: Queryable, id: string): Promise<void> {
  await db.query("UPDATE jobs SET state = 'running', started_at = now() WHERE id = $1 AND state = 'queued'", [id]);
}

export async function updateJobProgress(db: Queryable, id: string, percent: number, stage: string): Promise<void> {
  await db.query("UPDATE jobs SET percent = $2, stage = $3 WHERE id = $1 AND state = 'running'", [id, percent, stage]);
}

export async function finishJob(db: Queryable, id: string, outcome: { result: Record<string, unknown> } | { error: Record<string, unknown> }): Promise<void> {
  if ('result' in outcome) {
    await db.query(
      "UPDATE jobs SET state = 'succeeded', percent = 100, result = $2::jsonb, finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')",
      [id, JSON.stringify(outcome.result)],
    );
  } else {
    await db.query(
      "UPDATE jobs SET state = 'failed', error = $2::jsonb, finished_at = now(), started_at = coalesce(started_at, now()) WHERE id = $1 AND state IN ('queued', 'running')",
      [id, JSON.stringify(outcome.error)],
    );
  }
}
