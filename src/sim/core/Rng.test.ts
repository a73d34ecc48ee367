import { describe, expect, it } from 'vitest';
import { Rng } from './Rng';

describe('Rng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('intBetween covers the inclusive range roughly uniformly', () => {
    const r = new Rng(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const v = r.intBetween(10, 15);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15]);
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(600);
  });

  it('forks are independent of how much the parent drew', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    for (let i = 0; i < 10; i++) b.next();
    expect(a.fork('node1').next()).toBe(b.fork('node1').next());
    expect(a.fork('node1').next()).not.toBe(a.fork('node2').next());
  });
});
