/**
 * MIT 6.5840 Raft lab tests, part 3A (2A before 2024): leader election. Ported from
 * `src/raft/test_test.go` onto SimCluster in virtual time; the seed is in each name. Checkers
 * (Figure 3 safety properties) run after every event. Reference: Raft §5.2.
 */
import { describe, expect, it } from 'vitest';
import { InvariantError, type SimCluster } from './SimCluster';
import {
  checkNoLeader,
  checkOneLeader,
  checkTerms,
  cmd,
  connect,
  disconnect,
  electionTimeoutMs,
  firstLogIndex,
  MitTestError,
  mitCluster,
  nCommitted,
  one,
  peer,
  tester,
  wait,
} from './testkit';

/** TestInitialElection's body: a leader, agreement on its term, and no term change while idle. */
function initialElection(c: SimCluster, settleMs: number): void {
  checkOneLeader(c);
  // Sleep a bit to avoid racing with followers learning of the election.
  c.runFor(settleMs);
  const term1 = checkTerms(c);
  // MIT: ≥ 1. Term 1 is the bootstrap snapshot's, so the first election is in term 2.
  expect(term1).toBeGreaterThanOrEqual(2);
  c.runFor(2 * electionTimeoutMs(c));
  // MIT only warns here; with no failure at all the term must not move.
  expect(checkTerms(c)).toBe(term1);
  checkOneLeader(c);
}

/** TestReElection's body: re-election after a disconnect, none without a quorum, recovery. */
function reElection(c: SimCluster): void {
  const leader1 = checkOneLeader(c);
  // If the leader disconnects, a new one should be elected.
  disconnect(c, leader1);
  expect(checkOneLeader(c)).not.toBe(leader1);
  // If the old leader rejoins, that shouldn't disturb the new leader.
  connect(c, leader1);
  const leader2 = checkOneLeader(c);
  // If there's no quorum, no new leader should be elected.
  disconnect(c, leader2);
  disconnect(c, peer(c, leader2, 1));
  c.runFor(2 * electionTimeoutMs(c));
  checkNoLeader(c);
  // If a quorum arises, it should elect a leader.
  connect(c, peer(c, leader2, 1));
  checkOneLeader(c);
  // Re-join of the last node shouldn't prevent a leader from existing.
  connect(c, leader2);
  checkOneLeader(c);
}

describe('MIT 6.5840 3A: leader election', () => {
  it('TestInitialElection: a leader within 5 s, all agree on term ≥ 2, term unchanged over 2 s idle (seed 1)', () => {
    initialElection(mitCluster({ servers: 3, seed: 1 }), 50);
  });

  it('TestReElection: new leader within 5 s, old leader rejoins quietly, no leader with 2 of 3 down (seed 2)', () => {
    reElection(mitCluster({ servers: 3, seed: 2 }));
  });

  it('TestManyElections: 7 servers, 10 rounds of disconnecting 3, a leader within 5 s each (seed 3)', () => {
    const c = mitCluster({ servers: 7, seed: 3 });
    const t = tester(c);
    checkOneLeader(c);
    for (let ii = 1; ii < 10; ii++) {
      // Disconnect three nodes (possibly the same one twice, as in MIT).
      const victims = [t.rng.pick(t.ids), t.rng.pick(t.ids), t.rng.pick(t.ids)];
      for (const v of victims) disconnect(c, v);
      // Either the current leader is still alive, or the remaining four elect a new one.
      checkOneLeader(c);
      for (const v of victims) connect(c, v);
    }
    checkOneLeader(c);
  });
});

describe('MIT 3A with the swarm preset (1 s tick, election 10–19 s; bounds ×20)', () => {
  it('TestInitialElection (swarm): a leader within 100 s, term unchanged over 40 s idle (seed 11)', () => {
    initialElection(mitCluster({ servers: 3, seed: 11, timing: 'swarm' }), 1000);
  });

  it('TestReElection (swarm): new leader after a disconnect, none with 2 of 3 down (seed 12)', () => {
    reElection(mitCluster({ servers: 3, seed: 12, timing: 'swarm' }));
  });
});

describe('the MIT tester can fail', () => {
  it('checkOneLeader fails when every server is disconnected (seed 21)', () => {
    const c = mitCluster({ servers: 3, seed: 21 });
    for (const id of tester(c).ids) disconnect(c, id);
    expect(() => checkOneLeader(c)).toThrow('expected one leader, got none');
  });

  it('checkNoLeader fails when a connected leader exists (seed 22)', () => {
    const c = mitCluster({ servers: 3, seed: 22 });
    checkOneLeader(c);
    expect(() => checkNoLeader(c)).toThrow(MitTestError);
  });

  it('one() fails after 10 s without a majority, and a leader alone commits nothing (seed 23)', () => {
    const c = mitCluster({ servers: 3, seed: 23 });
    const leader = checkOneLeader(c);
    disconnect(c, peer(c, leader, 1));
    disconnect(c, peer(c, leader, 2));
    const t0 = c.now();
    expect(() => one(c, cmd(c, 1), 1, true)).toThrow('failed to reach agreement');
    expect(c.now() - t0).toBeGreaterThanOrEqual(10_000);
    expect(c.now() - t0).toBeLessThanOrEqual(12_100);
  });

  it('nCommitted and the applier fail on two different entries at one index (seed 24)', () => {
    const c = mitCluster({ servers: 3, seed: 24 });
    const [a, b] = tester(c).ids;
    // The first index an entry can be applied at (after the bootstrap snapshot at index 1).
    const index = firstLogIndex(c);
    expect(index).toBe(2);
    const apply = (node: string, value: string) =>
      c.applyListeners.forEach((l) => l(node, { index, term: 2, type: 'normal', data: { op: 'put', key: 'x', value, serial: 0 } }));
    apply(a!, 'one');
    expect(nCommitted(c, index)).toEqual({ count: 1, entry: 'put x=one #0' });
    expect(() => apply(b!, 'two')).toThrow(`commit index=${index}`);
  });

  it('index 1 is the bootstrap snapshot: nCommitted and wait refuse it, the applier rejects an apply there (seed 26)', () => {
    const c = mitCluster({ servers: 3, seed: 26 });
    const t = tester(c);
    expect(t.bootstrapIndex).toBe(1);
    for (const id of t.ids) expect(c.node(id).storage.snapshot.index).toBe(1);
    one(c, cmd(c, 1), 3, false);
    // Every server holds index 1 through its snapshot, yet no command was ever there.
    for (const id of t.ids) expect(t.appliedAt(id, 1)).toBeUndefined();
    expect(() => nCommitted(c, 1)).toThrow('bootstrap snapshot');
    expect(() => wait(c, 1, 1, -1)).toThrow('bootstrap snapshot');
    const apply = (node: string) =>
      c.applyListeners.forEach((l) => l(node, { index: 1, term: 1, type: 'normal', data: { op: 'put', key: 'x', value: 'v', serial: 0 } }));
    expect(() => apply(t.ids[0]!)).toThrow('apply out of order 1');
  });

  it('checkers throw InvariantError on a violation recorded by the cluster (seed 25)', () => {
    const c = mitCluster({ servers: 3, seed: 25 });
    c.invariants.observeApply('s0', 1, 1, 'a');
    c.invariants.observeApply('s1', 1, 1, 'b');
    expect(() => checkOneLeader(c)).toThrow(InvariantError);
  });
});
