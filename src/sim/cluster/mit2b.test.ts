/**
 * MIT 6.5840 Raft lab tests, part 3B (2B before 2024): log replication. Ported from
 * `src/raft/test_test.go`; indexes are shifted by two where MIT expects index 1 for the first
 * command: index 1 is the bootstrap snapshot every server starts with (the initial configuration)
 * and index 2 the first leader's no-op (Raft §8), so the first command lands at index 3. Links are
 * FIFO (the default), so every rejected append is a backtracking round unless a test asks for
 * reordering. References: Raft §5.3, §5.4.
 */
import { describe, expect, it } from 'vitest';
import type { SimCluster } from './SimCluster';
import type { PutOp } from './StateMachine';
import {
  checkOneLeader,
  cmd,
  connect,
  describeCmd,
  disconnect,
  electionTimeoutMs,
  firstLogIndex,
  getState,
  type MitTester,
  MitTestError,
  mitCluster,
  nCommitted,
  one,
  peer,
  randValue,
  start,
  tester,
  wait,
} from './testkit';

/** MIT's TestBackup on `c`; returns the tester for extra checks. */
function backup(c: SimCluster): MitTester {
  const servers = 5;
  const t = tester(c);
  one(c, cmd(c, randValue(c)), servers, true);
  // Put the leader and one follower in a partition.
  const leader1 = checkOneLeader(c);
  for (const k of [2, 3, 4]) disconnect(c, peer(c, leader1, k));
  // Submit lots of commands that won't commit.
  for (let i = 0; i < 50; i++) expect(start(c, leader1, cmd(c, randValue(c))).ok).toBe(true);
  c.runFor(electionTimeoutMs(c) / 2);
  disconnect(c, peer(c, leader1, 0));
  disconnect(c, peer(c, leader1, 1));
  // Allow the other partition to recover, with lots of successful commands.
  for (const k of [2, 3, 4]) connect(c, peer(c, leader1, k));
  for (let i = 0; i < 50; i++) one(c, cmd(c, randValue(c)), 3, true);
  // Now another partitioned leader and one follower.
  const leader2 = checkOneLeader(c);
  let other = peer(c, leader1, 2);
  if (leader2 === other) other = peer(c, leader2, 1);
  disconnect(c, other);
  // Lots more commands that won't commit.
  for (let i = 0; i < 50; i++) expect(start(c, leader2, cmd(c, randValue(c))).ok).toBe(true);
  c.runFor(electionTimeoutMs(c) / 2);
  // Bring the original leader back to life.
  for (const id of t.ids) disconnect(c, id);
  connect(c, peer(c, leader1, 0));
  connect(c, peer(c, leader1, 1));
  connect(c, other);
  for (let i = 0; i < 50; i++) one(c, cmd(c, randValue(c)), 3, true);
  // Now everyone.
  for (const id of t.ids) connect(c, id);
  one(c, cmd(c, randValue(c)), servers, true);
  return t;
}

/** MIT's TestCount, steps 2 and 3: 11 entries in one term, then 1 s idle; returns the RPC counts. */
function countEntriesThenIdle(c: SimCluster): { entries: number; entriesCarried: number; idle: number } {
  const servers = 3;
  const t = tester(c);
  let carried = 0;
  c.network.observers.push({ onSend: (e) => (carried += e.payload.type === 'AppendEntries' ? (e.payload.entries?.length ?? 0) : 0) });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) c.runFor(3000);
    const leader = checkOneLeader(c);
    const total1 = t.rpcs.requests;
    const carried1 = carried;
    const iters = 10;
    const r = start(c, leader, cmd(c, 1));
    if (!r.ok) continue; // leader moved on really quickly
    const { index: starti, term } = r;
    const cmds: PutOp[] = [];
    let moved = false;
    for (let i = 1; i < iters + 2 && !moved; i++) {
      const x = cmd(c, randValue(c));
      cmds.push(x);
      const ri = start(c, leader, x);
      if (!ri.ok || ri.term !== term) moved = true;
      else if (ri.index !== starti + i) throw new MitTestError(`Start() failed: index ${ri.index}, expected ${starti + i}`);
    }
    for (let i = 1; i < iters + 1 && !moved; i++) {
      const v = wait(c, starti + i, servers, term);
      if (v === null) moved = true; // term changed, try again
      else if (v !== describeCmd(cmds[i - 1]!)) throw new MitTestError(`wrong value ${v} committed for index ${starti + i}`);
    }
    if (moved || t.ids.some((id) => getState(c, id)?.term !== term)) continue;
    const total2 = t.rpcs.requests;
    const entries = total2 - total1;
    const entriesCarried = carried - carried1;
    c.runFor(electionTimeoutMs(c));
    return { entries, entriesCarried, idle: t.rpcs.requests - total2 };
  }
  throw new MitTestError('term changed too often');
}

describe('MIT 6.5840 3B: log replication', () => {
  it('TestBasicAgree: 3 commands commit at consecutive indexes, none before Start() (seed 31)', () => {
    const servers = 3;
    const c = mitCluster({ servers, seed: 31 });
    for (let index = 1; index <= 3; index++) {
      // MIT expects index 1..3; here index 1 is the bootstrap snapshot and 2 the first leader's no-op.
      const expected = index + 2;
      expect(nCommitted(c, expected).count, 'some have committed before Start()').toBe(0);
      expect(one(c, cmd(c, index * 100), servers, false)).toBe(expected);
    }
  });

  it('TestFollowerFailure: agreement with 2 of 3, none with the leader alone (2 s) (seed 32)', () => {
    const servers = 3;
    const c = mitCluster({ servers, seed: 32 });
    one(c, cmd(c, 101), servers, false);
    // Disconnect one follower: the leader and the remaining follower still agree.
    const leader1 = checkOneLeader(c);
    disconnect(c, peer(c, leader1, 1));
    one(c, cmd(c, 102), servers - 1, false);
    c.runFor(electionTimeoutMs(c));
    one(c, cmd(c, 103), servers - 1, false);
    // Disconnect the remaining follower.
    const leader2 = checkOneLeader(c);
    disconnect(c, peer(c, leader2, 1));
    disconnect(c, peer(c, leader2, 2));
    const r = start(c, leader2, cmd(c, 104));
    expect(r.ok, 'leader rejected Start()').toBe(true);
    expect(r.ok && r.index).toBe(6); // MIT: 4 (plus the bootstrap snapshot and our no-op)
    c.runFor(2 * electionTimeoutMs(c));
    // Raft §5.3: an entry is committed only once stored on a majority.
    expect(nCommitted(c, 6).count, 'committed but no majority').toBe(0);
  });

  it('TestLeaderFailure: a new leader after each leader disconnect; no commit without a majority (seed 33)', () => {
    const servers = 3;
    const c = mitCluster({ servers, seed: 33 });
    one(c, cmd(c, 101), servers, false);
    const leader1 = checkOneLeader(c);
    disconnect(c, leader1);
    // The remaining followers elect a new leader.
    one(c, cmd(c, 102), servers - 1, false);
    c.runFor(electionTimeoutMs(c));
    const index103 = one(c, cmd(c, 103), servers - 1, false);
    // Disconnect the new leader, then submit a command to each server.
    const leader2 = checkOneLeader(c);
    disconnect(c, leader2);
    for (const id of tester(c).ids) start(c, id, cmd(c, 104));
    c.runFor(2 * electionTimeoutMs(c));
    expect(nCommitted(c, index103 + 1).count, 'committed but no majority').toBe(0);
  });

  it('TestFailAgree: a follower that rejoins catches up; new commands commit on all 3 (seed 34)', () => {
    const servers = 3;
    const c = mitCluster({ servers, seed: 34 });
    one(c, cmd(c, 101), servers, false);
    const leader = checkOneLeader(c);
    disconnect(c, peer(c, leader, 1));
    one(c, cmd(c, 102), servers - 1, false);
    one(c, cmd(c, 103), servers - 1, false);
    c.runFor(electionTimeoutMs(c));
    one(c, cmd(c, 104), servers - 1, false);
    one(c, cmd(c, 105), servers - 1, false);
    connect(c, peer(c, leader, 1));
    // The full set preserves previous agreements and agrees on new commands.
    one(c, cmd(c, 106), servers, true);
    c.runFor(electionTimeoutMs(c));
    const last = one(c, cmd(c, 107), servers, true);
    // The rejoined follower applied everything, in the same order as the others: 7 commands and
    // 2 no-ops after the bootstrap snapshot (MIT's 1..9 is 2..10 here).
    expect(last).toBeGreaterThanOrEqual(firstLogIndex(c) + 8);
    for (let i = firstLogIndex(c); i <= last; i++) expect(nCommitted(c, i).count).toBe(servers);
  });

  it('TestFailNoAgree: 3 of 5 disconnected, Start() succeeds but never commits (2 s) (seed 35)', () => {
    const servers = 5;
    const c = mitCluster({ servers, seed: 35 });
    one(c, cmd(c, 10), servers, false);
    const leader = checkOneLeader(c);
    for (const k of [1, 2, 3]) disconnect(c, peer(c, leader, k));
    const op20 = cmd(c, 20);
    const r = start(c, leader, op20);
    expect(r.ok, 'leader rejected Start()').toBe(true);
    const index = r.ok ? r.index : -1;
    expect(index).toBe(4); // MIT: 2 (plus the bootstrap snapshot and our no-op)
    c.runFor(2 * electionTimeoutMs(c));
    expect(nCommitted(c, index).count, 'committed but no majority').toBe(0);
    // Repair.
    for (const k of [1, 2, 3]) connect(c, peer(c, leader, k));
    // The disconnected majority may have chosen a leader from among their own ranks, forgetting index 4.
    const leader2 = checkOneLeader(c);
    const r2 = start(c, leader2, cmd(c, 30));
    expect(r2.ok, 'leader2 rejected Start()').toBe(true);
    // MIT: index2 ∈ [2, 3], i.e. index 2 (here 4) was forgotten or kept. Here every leader elected since
    // appended its no-op (Raft §8), so: between the old index and index2, leader2's log holds
    // no-ops and at most the old command 20.
    const index2 = r2.ok ? r2.index : -1;
    const raft2 = c.node(leader2).raft!;
    const commands: unknown[] = [];
    for (let i = index; i < index2; i++) {
      const e = raft2.entryAt(i);
      if (e?.type === 'normal' && e.data !== null) commands.push(e.data);
    }
    expect(commands.length, `unexpected index ${index2}`).toBeLessThanOrEqual(1);
    expect(commands.filter((x) => describeCmd(x as PutOp) !== describeCmd(op20)), 'a command other than 20').toEqual([]);
    one(c, cmd(c, 1000), servers, true);
  });

  it('TestConcurrentStarts: 5 Start()s in one term all commit (5 tries) (seed 36)', () => {
    const servers = 3;
    const c = mitCluster({ servers, seed: 36 });
    let success = false;
    tries: for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) c.runFor(3000); // give the solution some time to settle
      const leader = checkOneLeader(c);
      const r = start(c, leader, cmd(c, 1));
      if (!r.ok) continue; // leader moved on really quickly
      const term = r.term;
      // Five Start()s at the same instant (MIT: five goroutines).
      const started: { index: number; op: PutOp }[] = [];
      for (let ii = 0; ii < 5; ii++) {
        const op = cmd(c, 100 + ii);
        const ri = start(c, leader, op);
        if (ri.ok && ri.term === term) started.push({ index: ri.index, op });
      }
      for (const id of tester(c).ids) if (getState(c, id)?.term !== term) continue tries;
      const committed: string[] = [];
      for (const s of started) {
        const v = wait(c, s.index, servers, term);
        if (v === null) continue tries; // peers moved on to later terms
        committed.push(v);
      }
      for (let ii = 0; ii < 5; ii++) {
        const wanted = started[ii];
        expect(wanted, `cmd ${100 + ii} not started`).toBeDefined();
        expect(committed, `cmd ${100 + ii} missing`).toContain(describeCmd(wanted!.op));
      }
      success = true;
      break;
    }
    expect(success, 'term changed too often').toBe(true);
  });

  it('TestRejoin: a partitioned old leader’s uncommitted entries are overwritten (seed 37)', () => {
    const servers = 3;
    const c = mitCluster({ servers, seed: 37 });
    one(c, cmd(c, 101), servers, true);
    // Leader network failure; the old leader tries to agree on some entries.
    const leader1 = checkOneLeader(c);
    disconnect(c, leader1);
    const stale = [102, 103, 104].map((v) => cmd(c, v));
    const staleIndexes = stale.map((op) => {
      const r = start(c, leader1, op);
      expect(r.ok).toBe(true);
      return r.ok ? r.index : -1;
    });
    // The new leader commits, also at the old leader's indexes.
    one(c, cmd(c, 103), 2, true);
    // New leader network failure; the old leader is connected again.
    const leader2 = checkOneLeader(c);
    disconnect(c, leader2);
    connect(c, leader1);
    one(c, cmd(c, 104), 2, true);
    // All together now.
    connect(c, leader2);
    one(c, cmd(c, 105), servers, true);
    // Raft §5.3: the followers' conflicting entries were overwritten by the leader's.
    for (const [i, op] of stale.entries()) {
      const at = nCommitted(c, staleIndexes[i]!);
      expect(at.count).toBe(servers);
      expect(at.entry).not.toBe(describeCmd(op));
      for (const log of tester(c).logs.values()) expect([...log.values()]).not.toContain(describeCmd(op));
    }
  });

  it('TestBackup: leader backs up quickly over 50 wrong entries, twice; ≤ 3 rejections per follower (FIFO link) (seed 38)', () => {
    // The paper link (5–9 ms jitter) is FIFO, so every rejection is a backtracking round (on a
    // reordering link each pipelined append that overtakes an earlier one is rejected too: see the
    // next test).
    const t = backup(mitCluster({ servers: 5, seed: 38 }));
    // Raft §5.3 (fast backtracking): one round per conflicting term, not one per entry (MIT
    // times this; a one-entry-per-round backup would need ~50 rounds per follower).
    const rejections = [...t.rpcs.appendRejectionsFrom.values()];
    expect(rejections.length, 'the followers never had to back up').toBeGreaterThan(0);
    for (const n of rejections) expect(n).toBeLessThanOrEqual(3);
  });

  it('TestBackup (reordering link: 10% of messages held back ≤ 20 ms): agreement after both backups (seed 38)', () => {
    // Latency jitter no longer reorders a link; this asks for reordering, so pipelined appends
    // overtake each other and the overtaking ones are rejected as gaps.
    const t = backup(mitCluster({ servers: 5, seed: 38, link: { reorderRate: 0.1, reorderDelayMsMax: 20 } }));
    // The link really reordered appends: far more rejections than backtracking alone needs.
    expect(Math.max(...t.rpcs.appendRejectionsFrom.values())).toBeGreaterThan(3);
  });

  it('TestRPCBytes: 10 × 5000-byte commands, bytes sent ≤ 3 × 50000 + 50000 (seed 40)', () => {
    const servers = 3;
    const c = mitCluster({ servers, seed: 40 });
    let bytes = 0;
    c.network.observers.push({
      onSend: (e) => {
        for (const entry of e.payload.entries ?? []) {
          if (entry.type === 'normal' && entry.data !== null) bytes += (entry.data as PutOp).value.length;
        }
      },
    });
    const index99 = one(c, cmd(c, 99), servers, false);
    const bytes0 = bytes;
    let sent = 0;
    for (let index = index99 + 1; index < index99 + 11; index++) {
      const value = String(randValue(c)).padEnd(5000, 'x');
      expect(one(c, cmd(c, value), servers, false)).toBe(index);
      sent += value.length;
    }
    // Each command is sent to each peer about once (MIT's slack: 50000 bytes).
    expect(bytes - bytes0, 'too many RPC bytes').toBeLessThanOrEqual(servers * sent + 50_000);
  });

  it('TestCount: ≤ 30 RPCs to elect; 11 entries each sent once per follower; ≤ 60 RPCs in 1 s idle (FIFO link) (seed 39)', () => {
    const c = mitCluster({ servers: 3, seed: 39 });
    checkOneLeader(c);
    const total1 = tester(c).rpcs.requests;
    expect(total1, 'RPCs to elect the initial leader').toBeGreaterThanOrEqual(1);
    expect(total1, 'RPCs to elect the initial leader').toBeLessThanOrEqual(30);
    const { entriesCarried, idle } = countEntriesThenIdle(c);
    // Each of the 12 entries (Start(1) and 1 + iters more) reaches each of the 2 followers once.
    expect(entriesCarried, 'an entry was sent to a follower twice').toBe(12 * 2);
    expect(idle, 'too many RPCs for 1 second of idleness').toBeLessThanOrEqual(3 * 20);
  });

  // Known deviation, kept so the day it is fixed shows: MIT allows (iters + 1 + 3) × 3 = 42 RPCs
  // for 10 entries; here every ack that advances the commit index makes the leader send each
  // follower an empty AppendEntries with the new commit (as etcd-raft's bcastAppend does), so
  // entries proposed one by one cost 2 RPCs per follower each. Measured again with FIFO links as
  // the default and the bootstrap snapshot at index 1: still 48 on seed 39 (48–50 on 139…439).
  it.fails('TestCount: ≤ 42 RPCs for 10 entries (MIT) — known to take 48: one commit-only append per ack (seed 39)', () => {
    const c = mitCluster({ servers: 3, seed: 39 });
    checkOneLeader(c);
    const iters = 10;
    expect(countEntriesThenIdle(c).entries, `too many RPCs for ${iters} entries`).toBeLessThanOrEqual((iters + 1 + 3) * 3);
  });
});

describe('MIT 3B with the swarm preset (bounds ×20)', () => {
  it('TestFailAgree (swarm): a follower that rejoins catches up (seed 41)', () => {
    const servers = 3;
    const c = mitCluster({ servers, seed: 41, timing: 'swarm' });
    one(c, cmd(c, 101), servers, false);
    const leader = checkOneLeader(c);
    disconnect(c, peer(c, leader, 1));
    one(c, cmd(c, 102), servers - 1, false);
    c.runFor(electionTimeoutMs(c));
    one(c, cmd(c, 103), servers - 1, false);
    connect(c, peer(c, leader, 1));
    const last = one(c, cmd(c, 104), servers, true);
    // 4 commands and a no-op after the bootstrap snapshot (MIT's 1..5 is 2..6 here).
    expect(last).toBeGreaterThanOrEqual(firstLogIndex(c) + 4);
    for (let i = firstLogIndex(c); i <= last; i++) expect(nCommitted(c, i).count).toBe(servers);
  });

  it('TestCount (swarm): ≤ 30 RPCs to elect, ≤ 3 RPCs per second idle (heartbeat 1 s) (seed 42)', () => {
    const c = mitCluster({ servers: 3, seed: 42, timing: 'swarm' });
    checkOneLeader(c);
    const total1 = tester(c).rpcs.requests;
    expect(total1).toBeLessThanOrEqual(30);
    c.runFor(10_000);
    expect(tester(c).rpcs.requests - total1).toBeLessThanOrEqual(3 * 10);
  });
});
