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

describe('SimCluster membership', () => {
  it('a manager that joins with an empty disk learns the whole configuration and cannot lead alone (seed 7)', () => {
    // Regression: with the bootstrap configuration at index 0 the joiner replayed only its own
    // "add" entry, elected itself when isolated and committed alone (state-machine safety broke).
    const c = new SimCluster({ seed: 7, voters: ['m1', 'm2', 'm3'] });
    expect(c.runUntil(() => c.leader() !== null, 30_000)).toBe(true);
    c.addNode('m4');
    expect(c.proposeConfChange({ op: 'addVoter', id: 'm4' }).ok).toBe(true);
    expect(c.runUntil(() => c.node('m4').raft!.status().voters.length === 4, 10_000)).toBe(true);
    expect(new Set(c.node('m4').raft!.status().voters)).toEqual(new Set(['m1', 'm2', 'm3', 'm4']));
    c.isolate('m4');
    c.runFor(120_000);
    expect(c.node('m4').raft!.currentRole).not.toBe('leader');
    expect(c.propose({ op: 'put', key: 'k', value: 'v', serial: 1 }).ok).toBe(true);
    c.reconnect('m4');
    expect(c.runUntil(() => c.converged() && c.node('m4').appliedIndex === c.node(c.leader()!).appliedIndex, 120_000)).toBe(true);
  });

  it('removing a follower shrinks the quorum; the removed node leaves the Raft group', () => {
    const c = new SimCluster({ seed: 8, voters: ['m1', 'm2', 'm3'] });
    expect(c.runUntil(() => c.leader() !== null, 30_000)).toBe(true);
    const victim = ['m1', 'm2', 'm3'].find((id) => id !== c.leader())!;
    expect(c.proposeConfChange({ op: 'removeVoter', id: victim }).ok).toBe(true);
    expect(c.runUntil(() => c.node(victim).left, 10_000)).toBe(true);
    const rest = ['m1', 'm2', 'm3'].filter((id) => id !== victim);
    // Two voters remain: both are needed, and both are enough.
    expect(c.propose({ op: 'put', key: 'k', value: 'v', serial: 1 }).ok).toBe(true);
    expect(c.runUntil(() => rest.every((id) => c.node(id).stateMachine.digest() === 'k=v'), 10_000)).toBe(true);
    expect(c.liveMembers().map((n) => n.id).sort()).toEqual(rest.sort());
  });
});
