/**
 * Engine selection by name. `auto` prefers the native LAPACK engine when its binding is built and falls back to
 * the JavaScript engine; `js` forces the JavaScript engine.
 */

import type { LinalgEngine } from './engine.js';
import { jsEngine } from './js-engine.js';

export type EngineChoice = 'auto' | 'native' | 'js';

export function selectEngine(choice: EngineChoice): LinalgEngine {
  // NOTE: only the JavaScript engine exists so far; `native` and `auto` resolve to it until the LAPACK binding lands.
  void choice;
  return jsEngine;
}
