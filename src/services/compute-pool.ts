/**
 * The worker-thread pool (piscina) that keeps compute off the event loop. Each task has a time limit. Past it the
 * task is aborted, piscina terminates the worker running it and starts a fresh one, and the caller gets
 * COMPUTE_TIMEOUT.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

import { Piscina } from 'piscina';

import type { EngineChoice } from '../compute/engines.js';
import type { OperationArgs, OperationName, OperationResult } from '../compute/operations.js';
import type { ProgressReporter } from '../compute/progress.js';
import type { TfjsBackendChoice } from '../compute/tfjs-backend.js';
import { DomainError } from '../errors.js';
import type { ProgressMessage, WorkerReply } from './compute-worker.js';

/** Waiting tasks allowed per worker thread before new work is rejected. */
const QUEUED_TASKS_PER_THREAD = 16;

export interface ComputePoolOptions {
  threads: number;
  timeoutMs: number;
  engine: EngineChoice;
  /** Called once per task with its duration in seconds, queueing included, and how it ended. */
  onTaskSettled?: (operation: OperationName, seconds: number, outcome: 'ok' | 'rejected' | 'timeout' | 'error') => void;
  /** TensorFlow.js backend of each worker; default "auto". */
  tfjsBackend?: TfjsBackendChoice;
}

export class ComputePool {
  readonly threads: number;
  readonly timeoutMs: number;
  /** Tasks accepted at once, running and waiting; more are rejected with COMPUTE_QUEUE_FULL. */
  readonly capacity: number;
  private readonly pool: Piscina;
  private readonly onTaskSettled: ComputePoolOptions['onTaskSettled'];
  private inFlight = 0;

  constructor(options: ComputePoolOptions) {
    this.threads = options.threads;
    this.timeoutMs = options.timeoutMs;
    this.capacity = options.threads * (1 + QUEUED_TASKS_PER_THREAD);
    this.onTaskSettled = options.onTaskSettled;
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Infinity,
      workerData: { engine: options.engine, tfjsBackend: options.tfjsBackend ?? 'auto' },
    });
  }

  /**
   * Runs operation `op` on a worker. With `onProgress`, the operation's progress reports are forwarded through a
   * MessagePort, and the promise settles only after the last report has arrived.
   */
  async run<N extends OperationName>(
    op: N,
    args: OperationArgs<N>,
    timeoutMs = this.timeoutMs,
    onProgress?: ProgressReporter,
  ): Promise<Awaited<OperationResult<N>>> {
    if (this.inFlight >= this.capacity) throw new DomainError('COMPUTE_QUEUE_FULL', { threads: this.threads });

    const channel = onProgress ? new MessageChannel() : undefined;
    let progressEnded: Promise<void> = Promise.resolve();
    if (channel && onProgress) {
      progressEnded = new Promise((resolve) => {
        channel.port1.on('message', (message: ProgressMessage) => {
          if (message.type === 'progress') onProgress(message.progress);
          else resolve();
        });
      });
    }

    let reply: WorkerReply;
    const started = performance.now();
    const settle = (outcome: 'ok' | 'rejected' | 'timeout' | 'error') => this.onTaskSettled?.(op, (performance.now() - started) / 1000, outcome);
    this.inFlight++;
    try {
      const task = channel ? { op, args, progressPort: channel.port2 } : { op, args };
      const transferList = channel ? [channel.port2] : undefined;
      reply = (await this.pool.run(task, { signal: AbortSignal.timeout(timeoutMs), transferList })) as WorkerReply;
      // The worker posts `end` after its last report and before it returns, so this wait is short.
      await progressEnded;
    } catch (error) {
      if (isAbort(error)) {
        settle('timeout');
        throw new DomainError('COMPUTE_TIMEOUT', { limitMs: timeoutMs });
      }
      settle('error');
      throw error;
    } finally {
      channel?.port1.close();
      this.inFlight--;
    }
    settle(reply.ok ? 'ok' : 'rejected');
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
 * Returns the compiled worker module. Under `npm start` this file runs from dist/ and the worker is next to it.
 * Under vitest it runs from src/, and worker threads cannot load TypeScript, so the build output in dist/ is used
 * (`npm test` builds first).
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
