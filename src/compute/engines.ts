/**
 * Engine selection by name (LINALG_ENGINE). `auto` prefers the native LAPACK engine when its binding is built and
 * loads, and falls back to the JavaScript engine. `native` requires the binding and raises EngineUnavailableError
 * without it. `js` forces the JavaScript engine.
 */

import type { LinalgEngine } from './engine.js';
import { jsEngine } from './js-engine.js';
import { type NativeEngine, createNativeEngine } from './native-engine.js';
import { loadNativeBinding } from './native-binding.js';

export type EngineChoice = 'auto' | 'native' | 'js';

/** LINALG_ENGINE=native was requested, but the binding is not built or does not load. */
export class EngineUnavailableError extends Error {
  constructor(reason: string) {
    super(`LINALG_ENGINE=native is set, but the native engine is unavailable: ${reason}. Set LINALG_ENGINE=auto or js to run the JavaScript engine.`);
    this.name = 'EngineUnavailableError';
  }
}

let nativeEngine: NativeEngine | undefined;

/** Returns the native engine when its binding loads in this thread, else undefined. */
export function getNativeEngine(): NativeEngine | undefined {
  if (nativeEngine) return nativeEngine;
  const { binding } = loadNativeBinding();
  if (binding) nativeEngine = createNativeEngine(binding);
  return nativeEngine;
}

export function selectEngine(choice: EngineChoice): LinalgEngine {
  if (choice === 'js') return jsEngine;

  const native = getNativeEngine();
  if (native) return native;
  if (choice === 'native') throw new EngineUnavailableError(loadNativeBinding().error ?? 'unknown reason');
  return jsEngine;
}

/**
 * Returns log fields that explain the engine in use: the OpenBLAS build for the native engine, or why the native
 * engine is not running.
 */
export function engineDetails(choice: EngineChoice): Record<string, string> {
  if (choice === 'js') return { nativeEngine: 'not selected (LINALG_ENGINE=js)' };
  const { binding, error } = loadNativeBinding();
  return binding ? { blas: binding.blasInfo().config } : { nativeEngine: error };
}

/** Lists every engine that runs here, JavaScript first, so that tests can run their properties against each. */
export function availableEngines(): LinalgEngine[] {
  const native = getNativeEngine();
  return native ? [jsEngine, native] : [jsEngine];
}
