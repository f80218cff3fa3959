import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.maxMatrixElements).toBe(2048 * 2048);
    expect(config.linalgEngine).toBe('auto');
  });

  it('reads valid values', () => {
    const config = loadConfig({ PORT: '9000', MAX_MATRIX_ELEMENTS: '100', COMPUTE_TIMEOUT_MS: '250', LINALG_ENGINE: 'js' });
    expect(config.port).toBe(9000);
    expect(config.maxMatrixElements).toBe(100);
    expect(config.computeTimeoutMs).toBe(250);
    expect(config.linalgEngine).toBe('js');
  });

  it('reports every invalid variable with its value', () => {
    try {
      loadConfig({ PORT: 'eighty', MAX_MATRIX_ELEMENTS: '-5', LINALG_ENGINE: 'fortran', WORKER_THREADS: '1.5' });
      expect.unreachable('invalid configuration was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems[0]).toBe('PORT="eighty" is invalid: expected an integer from 0 to 65535 (TCP port; 0 picks a free one).');
      expect(problems.some((problem) => problem.startsWith('MAX_MATRIX_ELEMENTS="-5"'))).toBe(true);
      expect(problems.some((problem) => problem.includes('LINALG_ENGINE="fortran" is invalid: expected one of auto, native, js'))).toBe(true);
      expect(problems.some((problem) => problem.startsWith('WORKER_THREADS="1.5"'))).toBe(true);
    }
  });
});
