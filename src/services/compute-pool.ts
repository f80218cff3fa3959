/**
 * The worker-thread pool that keeps float64 compute off the event loop (piscina). Each task has a time limit;
 * past it the task is aborted, piscina terminates the worker running it and starts a fresh one, and the caller
 * gets COMPUTE_TIMEOUT.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Piscina } from 'piscina';

import type { EngineChoice } from '../compute/engines.js';
import type { OperationArgs, OperationName, OperationResult } from '../compute/operations.js';
import type { TfjsBackendChoice } from '../compute/tfjs-backend.js';
import { DomainError } from '../errors.js';
import type { WorkerReply } from './compute-worker.js';

export interface ComputePoolOptions {
  threads: number;
  timeoutMs: number;
  engine: EngineChoice;
  /** TensorFlow.js backend of each worker; default "auto". */
  tfjsBackend?: TfjsBackendChoice;
}

export class ComputePool {
  readonly threads: number;
  readonly timeoutMs: number;
  private readonly pool: Piscina;
  private inFlight = 0;

  constructor(options: ComputePoolOptions) {
    this.threads = options.threads;
    this.timeoutMs = options.timeoutMs;
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      maxQueue: options.threads * 16,
      idleTimeout: Infinity,
      workerData: { engine: options.engine, tfjsBackend: options.tfjsBackend ?? 'auto' },
    });
  }

  async run<N extends OperationName>(op: N, args: OperationArgs<N>, timeoutMs = this.timeoutMs): Promise<Awaited<OperationResult<N>>> {
    let reply: WorkerReply;
    this.inFlight++;
    try {
      reply = (await this.pool.run({ op, args }, { signal: AbortSignal.timeout(timeoutMs) })) as WorkerReply;
    } catch (error) {
      if (isAbort(error)) throw new DomainError('COMPUTE_TIMEOUT', { limitMs: timeoutMs });
      if (error instanceof Error && /queue is at limit/i.test(error.message)) throw new DomainError('COMPUTE_QUEUE_FULL', { threads: this.threads });
      throw error;
    } finally {
      this.inFlight--;
    }
    if (!reply.ok) throw new DomainError(reply.code, reply.params);
    return reply.result as Awaited<OperationResult<N>>;
  }

  /** Tasks waiting for a free worker. */
  get queueSize(): number {
    return this.pool.queueSize;
  }

  /** Tasks submitted and not yet settled, queued or running. */
  get pending(): number {
    return this.inFlight;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/**
 * The compiled worker module. Under `npm start` this file runs from dist/, next to it; under vitest it runs from
 * src/, and worker threads cannot load TypeScript, so the build output in dist/ is used (`npm test` builds first).
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = path.join(path.dirname(here), 'compute-worker.js');
  if (here.endsWith('.js')) return sibling;

  const projectRoot = path.resolve(path.dirname(here), '..', '..');
  const compiled = path.join(projectRoot, 'dist', 'src', 'services', 'compute-worker.js');
  if (!existsSync(compiled)) throw new Error(`Compiled worker ${compiled} is missing; run \`npm run build\` first.`);
  return compiled;
}
