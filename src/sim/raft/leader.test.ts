/**
 * Leadership beyond §5: the no-op a new leader commits (Raft §8), CheckQuorum and the vote lease
 * (etcd-raft; Raft §6's disruptive-server rule), PreVote (Ongaro's thesis §9.6), and what survives
 * a crash (Figure 2's persistent state, with etcd-raft's Ready contract).
 */
import { describe, expect, it } from 'vitest';
import {
  SyncNetwork,
  TEST_ELECTION_TICKS,
  drainMessages,
  drainReady,
  elect,
  entries,
  entry,
  indexTerms,
  msg,
  newNode,
  newStorage,
  nodeFromStorage,
  tickN,
} from './testkit';
import type { RaftStatus } from './RaftNode';

const ABC = ['a', 'b', 'c'];
const E = TEST_ELECTION_TICKS;

/** Elects a in {a, b, c}, cuts it off, and ticks it: when (if ever, within 3E ticks) it stopped leading. */
function isolatedLeaderStepDownTick(checkQuorum: boolean): { tick: number; status: RaftStatus } {
  const net = new SyncNetwork(ABC, { checkQuorum });
  net.campaign('a');
  net.isolate('a');
  for (let t = 1; t <= 3 * E; t++) {
    net.tick('a');
    if (net.node('a').currentRole !== 'leader') return { tick: t, status: net.node('a').status() };
  }
  return { tick: -1, status: net.node('a').status() };
}

/** a leads {a, b, c}; c is cut off while a commits an entry and c ticks alone, then c comes back. */
function rejoin(preVote: boolean): { a: RaftStatus; c: RaftStatus; requestVotesFromC: number } {
  const net = new SyncNetwork(ABC, { preVote });
  net.campaign('a');
  net.isolate('c');
  net.propose('a', 'while c is away'); // c's log falls behind
  net.tick('c', 10 * E);
  net.recover();
  net.tickAll(3 * E);
  return {
    a: net.node('a').status(),
    c: net.node('c').status(),
    requestVotesFromC: net.messages((m) => m.type === 'RequestVote' && m.from === 'c').length,
  };
}

describe('Raft §8: the no-op of a new leader', () => {
  it('a new leader appends a blank no-op entry of its own term and replicates it at once (§8)', () => {
    // Raft §8: "Raft handles this by having each leader commit a blank no-op entry into the log at
    // the start of its term."
    const a = newNode('a', ABC, { term: 1, entries: entries(1, 1) });
    const rd = elect(a);
    expect(a.status()).toMatchObject({ role: 'leader', term: 2, lastIndex: 3, lastTerm: 2 });
    expect(a.entryAt(3)).toEqual(entry(3, 2, null));
    expect(rd.entries).toEqual([entry(3, 2, null)]);
    expect(rd.messages.map((m) => [m.type, m.to, m.index, m.logTerm, indexTerms(m.entries ?? [])])).toEqual([
      ['AppendEntries', 'b', 2, 1, [[3, 2]]],
      ['AppendEntries', 'c', 2, 1, [[3, 2]]],
    ]);
  });

  it('a new leader finds out which earlier entries are committed through its no-op, with no client request (§8)', () => {
    // Raft §8: "a leader must have the latest information on which entries are committed ... at the
    // start of its term, it may not know which those are." The no-op, once committed, commits
    // every entry before it (§5.4.2).
    const net = new SyncNetwork(ABC);
    net.campaign('a');
    net.ignore('AppendEntriesResponse'); // x reaches b and c, but a never learns it is stored
    const x = net.propose('a', 'x') as { index: number };
    expect(['a', 'b', 'c'].map((id) => net.node(id).status().commit)).toEqual([1, 1, 1]);
    net.crash('a');
    net.recover();
    net.campaign('b');
    const b = net.node('b');
    expect(b.status()).toMatchObject({ role: 'leader', term: 2, lastIndex: x.index + 1, commit: x.index + 1 });
    for (const id of ['b', 'c']) {
      expect(net.peer(id).applied.map((e) => [e.index, e.term, e.type === 'normal' ? e.data : null]), `${id}`).toEqual([
        [1, 1, null],
        [2, 1, 'x'],
        [3, 2, null],
      ]);
    }
  });
});

describe('CheckQuorum (etcd-raft)', () => {
  it('a leader that hears from no majority for an election timeout steps down; one that does stays (thesis §6.2, CheckQuorum)', () => {
    // Thesis §6.2: the leader "steps down if an election timeout elapses without a successful round
    // of heartbeats to a majority of its cluster". etcd-raft's CheckQuorum: "Leader steps down when
    // quorum is not active for an electionTimeout" (swarmkit enables it).
    const connected = new SyncNetwork(ABC, { checkQuorum: true });
    connected.campaign('a');
    connected.tickAll(10 * E);
    expect(connected.node('a').status()).toMatchObject({ role: 'leader', term: 1 });

    // The votes of its election count as contact, so it steps down after one to two check periods.
    const withCheck = isolatedLeaderStepDownTick(true);
    expect(withCheck.tick).toBeGreaterThanOrEqual(E);
    expect(withCheck.tick).toBeLessThanOrEqual(2 * E);
    expect(withCheck.status).toMatchObject({ role: 'follower', term: 1, leader: null });
    // Without CheckQuorum an isolated leader never notices.
    expect(isolatedLeaderStepDownTick(false)).toMatchObject({ tick: -1, status: { role: 'leader' } });
  });

  it('within its lease a follower ignores a RequestVote of a higher term, and votes once the lease has passed (§6)', () => {
    // Raft §6: "servers disregard RequestVote RPCs when they believe a current leader exists ...
    // if a server receives a RequestVote RPC within the minimum election timeout of hearing from a
    // current leader, it does not update its term or grant its vote." etcd ties this lease to CheckQuorum.
    const requestVote = msg({ type: 'RequestVote', from: 'c', to: 'b', term: 2, index: 1, logTerm: 1 });
    const heartbeat = msg({ type: 'Heartbeat', from: 'a', to: 'b', term: 1, commit: 1 });

    const b = newNode('b', ABC, { term: 1, entries: entries(1), checkQuorum: true });
    b.step(heartbeat);
    b.setRandomizedElectionTimeout(2 * E - 1); // so that b does not campaign itself meanwhile
    drainMessages(b);
    tickN(b, E - 1);
    b.step(requestVote);
    expect(b.status()).toMatchObject({ term: 1, vote: null, leader: 'a' });
    expect(drainMessages(b)).toEqual([]); // ignored: not even a refusal
    b.tick(); // E ticks without hearing from a: the lease is over
    b.step(requestVote);
    expect(b.status()).toMatchObject({ term: 2, vote: 'c' });
    expect(drainMessages(b).map((m) => [m.type, m.to, m.term, m.reject ?? false])).toEqual([
      ['RequestVoteResponse', 'c', 2, false],
    ]);

    // Without CheckQuorum there is no lease: the same request is granted at once.
    const plain = newNode('b', ABC, { term: 1, entries: entries(1) });
    plain.step(heartbeat);
    plain.step(requestVote);
    expect(plain.status()).toMatchObject({ term: 2, vote: 'c' });
  });
});

describe('PreVote (thesis §9.6)', () => {
  it('a pre-candidate changes neither its term nor its vote, and asks for votes for the next term (thesis §9.6)', () => {
    // Thesis §9.6: "a candidate would first ask other servers whether its log was up-to-date enough
    // to get their vote. Only if the candidate believed it could get votes from a majority of the
    // cluster would it increment its term and start a normal election."
    const storage = newStorage(ABC, { term: 2, vote: 'b', entries: entries(1, 2), preVote: true });
    const a = nodeFromStorage('a', storage, { preVote: true });
    a.campaign(); // the election timer fires
    const out = drainReady(a, storage);
    expect(a.status()).toMatchObject({ role: 'precandidate', term: 2, vote: 'b' });
    expect(storage.hardState).toEqual({ term: 2, vote: 'b', commit: 0 });
    expect(out.messages.map((m) => [m.type, m.to, m.term, m.index, m.logTerm])).toEqual([
      ['PreVote', 'b', 3, 2, 2],
      ['PreVote', 'c', 3, 2, 2],
    ]);
  });

  it('a server grants a pre-vote to an up-to-date log without changing its own term or vote (thesis §9.6)', () => {
    // Thesis §9.6: the pre-vote only asks "whether its log was up-to-date enough"; the voter's
    // state is untouched, so a failed pre-election leaves no trace.
    for (const [logTerm, index, wantReject, wantTerm] of [
      [2, 2, false, 3], // granted, for the future term
      [1, 5, true, 2], // older last term: refused, in the voter's own term
    ] as const) {
      const b = newNode('b', ABC, { term: 2, vote: 'a', entries: entries(1, 2), preVote: true });
      b.step(msg({ type: 'PreVote', from: 'c', to: 'b', term: 3, index, logTerm }));
      expect(b.status()).toMatchObject({ term: 2, vote: 'a' });
      expect(drainMessages(b).map((m) => [m.type, m.to, m.reject ?? false, m.term])).toEqual([
        ['PreVoteResponse', 'c', wantReject, wantTerm],
      ]);
    }
  });

  it('a pre-candidate raises its term and starts a real election only after a majority grants the pre-vote (thesis §9.6)', () => {
    // Thesis §9.6: only with a majority of pre-votes does the candidate "increment its term and
    // start a normal election"; refused by a majority, it goes back to follower in its old term.
    const a = newNode('a', ABC, { term: 2, entries: entries(1, 2), preVote: true });
    a.campaign();
    drainMessages(a);
    a.step(msg({ type: 'PreVoteResponse', from: 'b', to: 'a', term: 3 }));
    expect(a.status()).toMatchObject({ role: 'candidate', term: 3, vote: 'a' });
    expect(drainMessages(a).map((m) => [m.type, m.to, m.term])).toEqual([
      ['RequestVote', 'b', 3],
      ['RequestVote', 'c', 3],
    ]);

    const refused = newNode('a', ABC, { term: 2, entries: entries(1, 2), preVote: true });
    refused.campaign();
    refused.step(msg({ type: 'PreVoteResponse', from: 'b', to: 'a', term: 2, reject: true }));
    refused.step(msg({ type: 'PreVoteResponse', from: 'c', to: 'a', term: 2, reject: true }));
    expect(refused.status()).toMatchObject({ role: 'follower', term: 2, vote: null });
  });

  it('a partitioned server that rejoins with PreVote neither raises its term nor deposes the leader (thesis §9.6)', () => {
    // Thesis §9.6: PreVote "prevents a server that has been partitioned from the cluster from
    // disrupting the cluster when it rejoins": its log is behind, so it never wins a pre-vote.
    const withPreVote = rejoin(true);
    expect(withPreVote.c).toMatchObject({ role: 'follower', term: 1, leader: 'a', commit: 2 });
    expect(withPreVote.a).toMatchObject({ role: 'leader', term: 1 });
    expect(withPreVote.requestVotesFromC).toBe(0);
    // Without PreVote, c's lonely elections raise its term and its return deposes a.
    const without = rejoin(false);
    expect(without.a.term).toBeGreaterThan(1);
    expect(without.requestVotesFromC).toBeGreaterThan(0);
  });
});

describe('Durable state (Figure 2, etcd-raft Ready)', () => {
  it('a server rebuilt from its storage keeps its current term, vote and log (Figure 2)', () => {
    // Raft Figure 2, "Persistent state on all servers (updated on stable storage before responding
    // to RPCs)": currentTerm, votedFor, log[].
    const net = new SyncNetwork(ABC);
    net.campaign('b');
    net.propose('b', 'x');
    net.propose('b', 'y');
    const before = net.node('a').status();
    const logBefore = [1, 2, 3].map((i) => net.node('a').entryAt(i));
    expect(before).toMatchObject({ term: 1, vote: 'b', lastIndex: 3 });
    net.crash('a');
    net.restart('a');
    const after = net.node('a').status();
    expect(after).toMatchObject({ term: 1, vote: 'b', lastIndex: 3, lastTerm: 1 });
    expect([1, 2, 3].map((i) => net.node('a').entryAt(i))).toEqual(logBefore);
  });

  it('a restarted server is a follower with no leader and re-applies its log from the snapshot; only the hard state survives (Figure 2)', () => {
    // Raft Figure 2: commitIndex and lastApplied are "volatile state on all servers" (etcd-raft
    // persists commit in its HardState, so it is restored too; applied restarts at the snapshot).
    const net = new SyncNetwork(ABC);
    net.campaign('a');
    net.propose('a', 'x');
    const storage = net.storage('a');
    const commit = storage.hardState.commit;
    expect(commit).toBe(2);
    const a = nodeFromStorage('a', storage); // a's power comes back
    expect(a.status()).toMatchObject({
      role: 'follower',
      leader: null,
      term: 1,
      vote: 'a',
      commit,
      applied: 0,
      progress: {},
      votes: {},
    });
    const rd = drainReady(a, storage);
    expect(indexTerms(rd.committedEntries)).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(a.status().applied).toBe(2);
  });

  it('a vote is persisted before its reply is sent, so a server that restarts cannot vote twice in a term (§5.2)', () => {
    // Raft §5.2 / Figure 2: votedFor is persistent, updated "before responding to RPCs"; etcd's
    // Ready carries the new hard state with the messages, for the host to persist first.
    const storage = newStorage(ABC, { term: 1 });
    const b = nodeFromStorage('b', storage);
    b.step(msg({ type: 'RequestVote', from: 'a', to: 'b', term: 2 }));
    const rd = b.ready();
    expect(rd.hardState).toMatchObject({ term: 2, vote: 'a' });
    expect(rd.messages.map((m) => [m.type, m.to, m.reject ?? false])).toEqual([['RequestVoteResponse', 'a', false]]);
    storage.setHardState(rd.hardState!);
    b.advance(rd);

    const restarted = nodeFromStorage('b', storage);
    restarted.step(msg({ type: 'RequestVote', from: 'c', to: 'b', term: 2 }));
    expect(drainMessages(restarted).map((m) => [m.type, m.to, m.reject ?? false])).toEqual([
      ['RequestVoteResponse', 'c', true],
    ]);
    expect(restarted.status().vote).toBe('a');
  });
});
