import { describe, expect, it } from 'vitest';
import { Rng } from './Rng';
import { hexId, swarmObjectId } from './ids';

describe('ids', () => {
  it('swarm object ids are 25 lowercase base-36 characters, deterministic per seed', () => {
    const a = swarmObjectId(new Rng(5));
    expect(a).toMatch(/^[0-9a-z]{25}$/);
    expect(swarmObjectId(new Rng(5))).toBe(a);
    expect(swarmObjectId(new Rng(6))).not.toBe(a);
  });

  it('container ids are 64 hex digits by default, or the length asked for', () => {
    const r = new Rng(1);
    expect(hexId(r)).toMatch(/^[0-9a-f]{64}$/);
    expect(hexId(r, 12)).toMatch(/^[0-9a-f]{12}$/);
    expect(hexId(new Rng(1))).toBe(hexId(new Rng(1)));
  });
});
