import { describe, expect, it } from 'vitest';

import { seededUniform as seededRandom } from '../../src/compute/seeded-random.js';

describe('seededRandom', () => {
  it('repeats a sequence for a seed', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    for (let i = 0; i < 100; i++) expect(first()).toBe(second());
  });

  it('stays in [0, 1) and differs by seed', () => {
    const a = seededRandom(1);
    const b = seededRandom(2);
    let same = 0;
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      if (x === b()) same++;
    }
    expect(same).toBe(0);
  });
});
