import { describe, expect, test } from 'vitest';
import { SimCluster } from '../../sim/cluster/SimCluster';
import { Rng } from '../../sim/core/Rng';
import { MemoryTraceSink } from '../../sim/core/trace';
import { RAFT_LIVE_HOSTNAMES, RECENT_EVENTS_MAX, RaftSession } from './RaftSession';

/** The trace hash of the equivalent plain SimCluster run. */
function clusterHash(seed: number, timing: 'paper' | 'swarm', ms: number): string {
  const trace = new MemoryTraceSink({ includeMessages: false, keepLines: false });
  const cluster = new SimCluster({ seed, timing, voters: [...RAFT_LIVE_HOSTNAMES], trace });
  cluster.runFor(ms);
  return trace.digest();
}

describe('RaftSession', () => {
  test('seed 5, paper: its trace hash equals a plain SimCluster run of the same virtual time', () => {
    const session = new RaftSession({ seed: 5, timing: 'paper' });
    session.advance(3000);
    expect(session.traceHash()).toBe(clusterHash(5, 'paper', 3000));
  });

  test('seed 5, paper: advancing in frame-sized chunks gives the same trace as one runFor', () => {
    const expected = clusterHash(5, 'paper', 3000);
    const rng = new Rng(42);
    for (const chunker of [() => 1, () => 7, () => rng.intBetween(0, 40)]) {
      const session = new RaftSession({ seed: 5, timing: 'paper' });
      while (session.nowMs() < 3000) session.advance(Math.min(chunker(), 3000 - session.nowMs()));
      expect(session.traceHash()).toBe(expected);
    }
  });

  test('seed 1, swarm: chunked advance matches too', () => {
    const session = new RaftSession({ seed: 1, timing: 'swarm' });
    for (let i = 0; i < 60; i++) session.advance(1000);
    expect(session.traceHash()).toBe(clusterHash(1, 'swarm', 60_000));
  });

  test('elects a leader; crashing it elects another; the crashed node shows its disk', () => {
    const session = new RaftSession({ seed: 1, timing: 'paper' });
    session.advance(1000);
    const first = session.snapshot();
    expect(first.leader).not.toBeNull();
    const oldLeader = first.leader!;
    const term = first.nodes.find((n) => n.hostname === oldLeader)!.term;
    session.crash(oldLeader);
    session.advance(1500);
    const after = session.snapshot();
    expect(after.leader).not.toBeNull();
    expect(after.leader).not.toBe(oldLeader);
    const down = after.nodes.find((n) => n.hostname === oldLeader)!;
    expect(down).toMatchObject({ up: false, role: 'down', term, votedFor: oldLeader });
    expect(after.recent.some((e) => e.ev === 'fault' && e.kind === 'crash' && e.nodes[0] === oldLeader)).toBe(true);
    session.restart(oldLeader);
    session.advance(1000);
    expect(session.snapshot().nodes.find((n) => n.hostname === oldLeader)!.role).toBe('follower');
  });

  test('a proposal is appended by the leader and committed', () => {
    const session = new RaftSession({ seed: 2, timing: 'paper' });
    const refused = session.propose();
    expect(refused).toMatchObject({ serial: 1, appended: null, error: 'not-leader' });
    session.advance(1000);
    const p = session.propose();
    expect(p.appended?.via).toBe(session.snapshot().leader);
    expect(p.command).toBe('put x=2 #2');
    session.advance(100);
    const s = session.snapshot();
    expect(s.proposal?.committedAtMs).not.toBeNull();
    for (const n of s.nodes) expect(n.commit).toBeGreaterThanOrEqual(p.appended!.index);
  });

  test('a disconnected leader loses leadership to the majority side', () => {
    const session = new RaftSession({ seed: 3, timing: 'paper' });
    session.advance(1000);
    const leader = session.snapshot().leader!;
    session.disconnect(leader);
    session.advance(1500);
    const s = session.snapshot();
    expect(s.nodes.find((n) => n.hostname === leader)!.disconnected).toBe(true);
    expect(s.leader).not.toBe(leader);
    session.reconnect(leader);
    session.advance(1000);
    expect(session.snapshot().nodes.every((n) => !n.disconnected)).toBe(true);
  });

  test('keeps only the last role changes and faults, and notifies subscribers', () => {
    const session = new RaftSession({ seed: 1, timing: 'paper' });
    let calls = 0;
    const unsubscribe = session.subscribe(() => calls++);
    for (let i = 0; i < 8; i++) {
      session.crash('node1');
      session.restart('node1');
    }
    session.advance(10);
    expect(calls).toBe(17);
    unsubscribe();
    session.advance(10);
    expect(calls).toBe(17);
    expect(session.snapshot().recent).toHaveLength(RECENT_EVENTS_MAX);
  });
});
