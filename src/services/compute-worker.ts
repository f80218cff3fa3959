/**
 * Worker-thread entry of the compute pool: runs one named operation from compute/operations.ts per task.
 *
 * A DomainError cannot cross the thread boundary with its code intact, so it comes back as a value
 * ({ error: { code, params } }) and the pool re-raises it on the main thread.
 */

import { workerData } from 'node:worker_threads';

import { type EngineChoice, selectEngine } from '../compute/engines.js';
import { type OperationName, operations } from '../compute/operations.js';
import { type TfjsBackendChoice, configureTfjs } from '../compute/tfjs-backend.js';
import { DomainError } from '../errors.js';

const data = workerData as { engine?: EngineChoice; tfjsBackend?: TfjsBackendChoice } | undefined;
const engine = selectEngine(data?.engine ?? 'auto');
// TensorFlow.js itself initialises on the first operation that uses it.
configureTfjs(data?.tfjsBackend ?? 'auto');

export interface WorkerTask {
  op: OperationName;
  args: unknown;
}

export type WorkerReply = { ok: true; result: unknown } | { ok: false; code: DomainError['code']; params: Record<string, unknown> };

export default async function runTask(task: WorkerTask): Promise<WorkerReply> {
  try {
    const run = operations[task.op] as (engine: unknown, args: unknown) => unknown;
    return { ok: true, result: await run(engine, task.args) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, code: error.code, params: error.params };
    throw error;
  }
}
