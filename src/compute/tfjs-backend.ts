/**
 * The TensorFlow.js runtime of the compute layer: backend selection and lazy initialisation, one instance per
 * worker thread.
 *
 * `TFJS_BACKEND` chooses the backend:
 * - `tensorflow`: the native libtensorflow backend of the optional package `@tensorflow/tfjs-node`;
 * - `wasm`: `@tensorflow/tfjs-backend-wasm`, whose .wasm binaries load from node_modules, so it works offline;
 * - `cpu`: the plain JavaScript backend;
 * - `auto`: the first of tensorflow, wasm and cpu that initialises.
 *
 * Initialisation, imports included, happens on the first TensorFlow.js operation of a worker, so workers that only
 * run the float64 linear-algebra operations never load TensorFlow.js.
 *
 * Facts measured with tfjs 4.22 wasm on Node 20 that shape the kernels in this folder: SIMD is on and wasm threads
 * are unavailable in Node, so parallelism comes from the worker threads. A batched 3-D matMul or `transposeB` takes
 * a slow path, so kernels loop over 2-D matMuls with an explicit transpose. Returning a large typed array from
 * `tf.tidy` is slow, so kernels return tensors from `tf.tidy`, read them with `dataSync` outside and dispose them.
 */

import { createRequire } from 'node:module';
import path from 'node:path';

export type Tf = typeof import('@tensorflow/tfjs-core');
export type TfjsBackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The native backend's package; optional, because its install downloads libtensorflow. */
const NATIVE_PACKAGE = '@tensorflow/tfjs-node';

export interface TfjsRuntime {
  tf: Tf;
  backend: TfjsBackendName;
  /** Backends tried before the one in use, with the reason each failed (for the start-up log). */
  skipped: { backend: TfjsBackendName; reason: string }[];
}

let choice: TfjsBackendChoice = 'auto';
let runtime: Promise<TfjsRuntime> | undefined;

/** Sets the backend choice of this thread; takes effect at the first `loadTfjs` call. */
export function configureTfjs(backend: TfjsBackendChoice): void {
  if (runtime !== undefined && backend !== choice) throw new Error(`TensorFlow.js is already initialised with TFJS_BACKEND=${choice}`);
  choice = backend;
}

/** Initialises TensorFlow.js on first use with the configured backend; later calls return the same runtime. */
export function loadTfjs(): Promise<TfjsRuntime> {
  runtime ??= initialise(choice);
  return runtime;
}

async function initialise(requested: TfjsBackendChoice): Promise<TfjsRuntime> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const candidates: TfjsBackendName[] = requested === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [requested];
  const skipped: TfjsRuntime['skipped'] = [];

  for (const backend of candidates) {
    try {
      await activate(tf, backend);
      return { tf, backend, skipped };
    } catch (error) {
      skipped.push({ backend, reason: error instanceof Error ? error.message : String(error) });
    }
  }

  const reasons = skipped.map((entry) => `${entry.backend}: ${entry.reason}`).join('; ');
  throw new Error(`No TensorFlow.js backend could be initialised for TFJS_BACKEND=${requested} (${reasons})`);
}

async function activate(tf: Tf, backend: TfjsBackendName): Promise<void> {
  if (backend === 'tensorflow') {
    // NOTE: untested, because the test environment cannot install @tensorflow/tfjs-node. Importing it
    // registers the "tensorflow" backend in the shared tfjs-core engine when both use tfjs-core 4.22.
    const specifier: string = NATIVE_PACKAGE;
    try {
      await import(specifier);
    } catch {
      throw new Error(`${NATIVE_PACKAGE} is not installed`);
    }
  }
  if (backend === 'wasm') {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(wasmDirectory());
  }

  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tf.setBackend("${backend}") failed`);
  await tf.ready();
}

/** The dist/ folder of @tensorflow/tfjs-backend-wasm, which contains its .wasm binaries, ending with a separator as setWasmPaths expects of a prefix. */
function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(packageJson), 'dist') + path.sep;
}

/** Live tensors of this thread's TensorFlow.js engine; a growing count means a kernel leaks tensors. */
export async function tfjsMemory(): Promise<{ backend: TfjsBackendName; numTensors: number; numBytes: number }> {
  const { tf, backend } = await loadTfjs();
  const memory = tf.memory();
  return { backend, numTensors: memory.numTensors, numBytes: memory.numBytes };
}
