/**
 * Progress of a long compute operation, reported by the operation and forwarded by the worker pool. The shape is
 * plain data, so a worker thread can post it through a MessagePort and a job API can store the latest one.
 */

export interface Progress {
  /** Name of the current step, such as "tokenize" or "svd". */
  stage: string;
  /** Share of the whole operation done, from 0 to 1, non-decreasing within one run. */
  fraction: number;
}

export type ProgressReporter = (progress: Progress) => void;
