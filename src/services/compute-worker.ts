/**
 * Worker-thread entry of the compute pool: runs one named operation from compute/operations.ts per task.
 *
 * A DomainError cannot cross the thread boundary with its code intact, so it comes back as a value
 * ({ error: { code, params } }) and the pool re-raises it on the main thread.
 */

import { type MessagePort, workerData } from 'node:worker_threads';

import { type EngineChoice, selectEngine } from '../compute/engines.js';
import { type OperationName, operations } from '../compute/operations.js';
import type { Progress, ProgressReporter } from '../compute/progress.js';
import { type TfjsBackendChoice, configureTfjs } from '../compute/tfjs-backend.js';
import { DomainError } from '../errors.js';

const data = workerData as { engine?: EngineChoice; tfjsBackend?: TfjsBackendChoice } | undefined;
const engine = selectEngine(data?.engine ?? 'auto');
// TensorFlow.js itself initialises on the first operation that uses it.
configureTfjs(data?.tfjsBackend ?? 'auto');

export interface WorkerTask {
  op: OperationName;
  args: unknown;
  /** Port for the operation's progress reports, present when the caller requested them and closed when the task ends. */
  progressPort?: MessagePort;
}

/** Messages on the progress port: any number of reports, then one `end`, in order. */
export type ProgressMessage = { type: 'progress'; progress: Progress } | { type: 'end' };

export type WorkerReply = { ok: true; result: unknown } | { ok: false; code: DomainError['code']; params: Record<string, unknown> };

export default async function runTask(task: WorkerTask): Promise<WorkerReply> {
  const port = task.progressPort;
  const report = port ? (progress: Progress) => port.postMessage({ type: 'progress', progress } satisfies ProgressMessage) : undefined;
  try {
    const run = operations[task.op] as (engine: unknown, args: unknown, report?: ProgressReporter) => unknown;
    return { ok: true, result: await run(engine, task.args, report) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, code: error.code, params: error.params };
    throw error;
  } finally {
    // A closed port does not emit 'close' on the other thread's end, so an explicit last message marks the end.
    port?.postMessage({ type: 'end' } satisfies ProgressMessage);
    port?.close();
  }
}
