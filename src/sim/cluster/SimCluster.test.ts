import { describe, expect, it } from 'vitest';
import { MemoryTraceSink } from '../core/trace';
import { SimCluster } from './SimCluster';

describe('SimCluster smoke', () => {
  it('elects a leader and replicates with swarm timing', () => {
    const trace = new MemoryTraceSink();
    const c = new SimCluster({ seed: 1, voters: ['node1', 'node2', 'node3'], trace });
    expect(c.runUntil(() => c.leader() !== null, 30_000)).toBe(true);
    for (let i = 0; i < 10; i++) expect(c.propose({ op: 'put', key: `k${i}`, value: `${i}`, serial: i }).ok).toBe(true);
    expect(c.runUntil(() => c.converged() && c.liveMembers().every((n) => n.appliedIndex >= 11), 10_000)).toBe(true);
    expect(trace.lines.some((l) => l.includes('"ev":"apply"'))).toBe(true);
  });
  it('elects with paper timing', () => {
    const c = new SimCluster({ seed: 2, timing: 'paper', voters: ['a', 'b', 'c', 'd', 'e'] });
    expect(c.runUntil(() => c.leader() !== null, 5_000)).toBe(true);
    const l = c.leader()!;
    c.crash(l);
    expect(c.runUntil(() => c.leader() !== null && c.leader() !== l, 5_000)).toBe(true);
  });
});
