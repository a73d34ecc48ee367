/**
 * Raft §5 claim by claim, after etcd-raft's raft_paper_test.go: each test quotes the sentence it
 * checks, builds nodes from storage (init), steps messages or ticks (test), and checks outgoing
 * messages and status (check). Node "a" is the node under test unless a test says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { RaftNode } from './RaftNode';
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
  tickN,
} from './testkit';
import type { Entry, Message, RaftId } from './types';

const ABC = ['a', 'b', 'c'];

function ids(n: number): RaftId[] {
  return ['a', 'b', 'c', 'd', 'e', 'f', 'g'].slice(0, n);
}

function logOf(node: RaftNode): Array<[number, number]> {
  const s = node.status();
  const out: Array<[number, number]> = [];
  for (let i = s.firstIndex; i <= s.lastIndex; i++) out.push([i, node.termAt(i)!]);
  return out;
}

function appendResp(from: RaftId, to: RaftId, term: number, index: number): Message {
  return msg({ type: 'AppendEntriesResponse', from, to, term, index });
}

/** A leader of term 1 in {a, b, c} whose no-op (index 1) is committed and known to all. */
function establishedLeader(): RaftNode {
  const a = newNode('a', ABC);
  elect(a);
  a.step(appendResp('b', 'a', 1, 1));
  a.step(appendResp('c', 'a', 1, 1));
  drainReady(a);
  return a;
}

describe('Raft §5.1: terms', () => {
  it('a follower that sees a larger term adopts it and forgets its old vote (§5.1)', () => {
    // Raft §5.1: "If one server's current term is smaller than the other's, then it updates its
    // current term to the larger value." A leader's message also tells it who leads (Figure 2).
    for (const type of ['AppendEntries', 'Heartbeat', 'RequestVote'] as const) {
      const a = newNode('a', ABC, { term: 1, vote: 'c' });
      a.step(msg({ type, from: 'b', to: 'a', term: 2 }));
      const s = a.status();
      expect(s.role, `${type}`).toBe('follower');
      expect(s.term, `${type}`).toBe(2);
      // A RequestVote in the new term gets this node's fresh vote; a leader's message sets the leader.
      expect(s.vote, `${type}`).toBe(type === 'RequestVote' ? 'b' : null);
      expect(s.leader, `${type}`).toBe(type === 'RequestVote' ? null : 'b');
    }
  });

  it('a candidate or leader that discovers a larger term immediately reverts to follower (§5.1)', () => {
    // Raft §5.1: "If a candidate or leader discovers that its term is out of date, it immediately
    // reverts to follower state."
    const candidate = newNode('a', ABC, { term: 1 });
    candidate.campaign();
    expect(candidate.status()).toMatchObject({ role: 'candidate', term: 2 });
    candidate.step(msg({ type: 'RequestVoteResponse', from: 'b', to: 'a', term: 3, reject: true }));
    expect(candidate.status()).toMatchObject({ role: 'follower', term: 3, leader: null });

    const leader = newNode('a', ABC, { term: 1 });
    elect(leader);
    expect(leader.status()).toMatchObject({ role: 'leader', term: 2 });
    leader.step(msg({ type: 'AppendEntries', from: 'c', to: 'a', term: 5, index: 0, logTerm: 0, entries: [] }));
    expect(leader.status()).toMatchObject({ role: 'follower', term: 5, leader: 'c' });
  });

  it('a request with a stale term is rejected and changes nothing (§5.1)', () => {
    // Raft §5.1: "If a server receives a request with a stale term number, it rejects the request."
    const a = newNode('a', ABC, { term: 2, entries: entries(1, 2) });
    a.step(msg({ type: 'AppendEntries', from: 'b', to: 'a', term: 1, index: 2, logTerm: 2, entries: [entry(3, 1)], commit: 3 }));
    a.step(msg({ type: 'RequestVote', from: 'c', to: 'a', term: 1, index: 9, logTerm: 9 }));
    expect(a.status()).toMatchObject({ term: 2, vote: null, leader: null, lastIndex: 2, commit: 0 });
    expect(drainMessages(a)).toEqual([]);

    // With CheckQuorum (or PreVote) the stale leader is told the current term so it steps down (etcd).
    const b = newNode('b', ABC, { term: 2, entries: entries(1, 2), checkQuorum: true });
    b.step(msg({ type: 'Heartbeat', from: 'a', to: 'b', term: 1, commit: 2 }));
    expect(b.status()).toMatchObject({ term: 2, leader: null, commit: 0 });
    const out = drainMessages(b);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'AppendEntriesResponse', to: 'a', term: 2 });
  });
});

describe('Raft §5.2: leader election', () => {
  it('servers start up as followers, whatever term they stored (§5.2)', () => {
    // Raft §5.2: "When servers start up, they begin as followers."
    expect(newNode('a', ABC).status()).toMatchObject({ role: 'follower', term: 0, leader: null });
    expect(newNode('a', ABC, { term: 7, vote: 'a', entries: entries(3, 7) }).status()).toMatchObject({
      role: 'follower',
      term: 7,
      leader: null,
    });
  });

  it('a leader sends heartbeats to every follower each heartbeat interval, carrying min(match, commit) (§5.2)', () => {
    // Raft §5.2: "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries)
    // to all followers in order to maintain their authority." etcd: commit = min(match, committed).
    const a = newNode('a', ABC, { heartbeatTicks: 2 });
    elect(a); // term 1, no-op at index 1
    a.step(appendResp('b', 'a', 1, 1)); // b stores the no-op: a and b are a majority
    expect(a.status().commit).toBe(1);
    drainMessages(a);

    a.tick();
    expect(drainMessages(a).filter((m) => m.type === 'Heartbeat')).toEqual([]);
    a.tick();
    const beats = drainMessages(a).filter((m) => m.type === 'Heartbeat');
    expect(beats.map((m) => [m.to, m.term, m.commit, m.entries])).toEqual([
      ['b', 1, 1, undefined],
      ['c', 1, 0, undefined], // c has not acknowledged index 1, so it may not learn it is committed
    ]);
  });

  it('a follower that hears nothing for an election timeout becomes a candidate: new term, self vote, RequestVote to all (§5.2)', () => {
    // Raft §5.2: "If a follower receives no communication over a period of time called the election
    // timeout, then it ... begins an election ... increments its current term and transitions to
    // candidate state. It then votes for itself and issues RequestVote RPCs in parallel."
    const a = newNode('a', ABC, { term: 1 });
    a.setRandomizedElectionTimeout(TEST_ELECTION_TICKS);
    tickN(a, TEST_ELECTION_TICKS - 1);
    expect(a.status()).toMatchObject({ role: 'follower', term: 1 });
    expect(drainMessages(a)).toEqual([]);
    a.tick();
    expect(a.status()).toMatchObject({ role: 'candidate', term: 2, vote: 'a', votes: { a: true } });
    const out = drainMessages(a);
    expect(out.map((m) => [m.type, m.to, m.term])).toEqual([
      ['RequestVote', 'b', 2],
      ['RequestVote', 'c', 2],
    ]);
  });

  it('a candidate whose election times out starts a new election with a new term (§5.2)', () => {
    // Raft §5.2: "If many followers become candidates at the same time, votes could be split ...
    // each candidate will time out and start a new election by incrementing its term and
    // initiating another round of RequestVote RPCs."
    const a = newNode('a', ABC, { term: 1 });
    a.campaign();
    drainMessages(a);
    a.step(msg({ type: 'RequestVoteResponse', from: 'b', to: 'a', term: 2, reject: true }));
    expect(a.status()).toMatchObject({ role: 'candidate', term: 2 });
    a.setRandomizedElectionTimeout(TEST_ELECTION_TICKS);
    tickN(a, TEST_ELECTION_TICKS - 1);
    expect(a.status()).toMatchObject({ role: 'candidate', term: 2 });
    a.tick();
    expect(a.status()).toMatchObject({ role: 'candidate', term: 3, vote: 'a', votes: { a: true } });
    expect(drainMessages(a).map((m) => [m.type, m.to, m.term])).toEqual([
      ['RequestVote', 'b', 3],
      ['RequestVote', 'c', 3],
    ]);
  });

  it('a candidate wins with a majority of votes, reverts to follower on a majority of refusals, and otherwise stays candidate (§5.2)', () => {
    // Raft §5.2: "A candidate wins an election if it receives votes from a majority of the servers
    // in the full cluster for the same term ... a candidate neither wins nor loses the election:
    // ... [it] will time out and start a new election." etcd: a majority of refusals ends the round.
    const table: Array<[number, Record<string, boolean>, string]> = [
      [1, {}, 'leader'],
      [3, { b: true, c: true }, 'leader'],
      [3, { b: true }, 'leader'],
      [5, { b: true, c: true, d: true, e: true }, 'leader'],
      [5, { b: true, c: true, d: true }, 'leader'],
      [5, { b: true, c: true }, 'leader'],
      [3, { b: false, c: false }, 'follower'],
      [5, { b: false, c: false, d: false, e: false }, 'follower'],
      [5, { b: true, c: false, d: false, e: false }, 'follower'],
      [3, {}, 'candidate'],
      [5, { b: true }, 'candidate'],
      [5, { b: false, c: false }, 'candidate'],
      [5, {}, 'candidate'],
    ];
    for (const [size, votes, want] of table) {
      const a = newNode('a', ids(size));
      a.campaign();
      for (const [from, granted] of Object.entries(votes)) {
        a.step(msg({ type: 'RequestVoteResponse', from, to: 'a', term: 1, reject: !granted }));
      }
      expect(a.status(), `${size} ${JSON.stringify(votes)}`).toMatchObject({ role: want, term: 1 });
    }
  });

  it('a follower grants at most one vote per term, first come first served (§5.2)', () => {
    // Raft §5.2: "Each server will vote for at most one candidate in a given term, on a
    // first-come-first-served basis."
    const table: Array<[RaftId | null, RaftId, boolean]> = [
      [null, 'a', false],
      [null, 'b', false],
      ['a', 'a', false],
      ['b', 'b', false],
      ['a', 'b', true],
      ['b', 'a', true],
    ];
    for (const [vote, candidate, wantReject] of table) {
      const c = newNode('c', ABC, { term: 1, vote });
      c.step(msg({ type: 'RequestVote', from: candidate, to: 'c', term: 1 }));
      const out = drainMessages(c);
      expect(out.map((m) => [m.type, m.to, m.term, m.reject ?? false]), `${vote} ${candidate}`).toEqual([
        ['RequestVoteResponse', candidate, 1, wantReject],
      ]);
      expect(c.status().vote).toBe(vote ?? candidate);
    }
    // In sequence: the first request wins the term's vote; a second candidate is refused.
    const c = newNode('c', ABC, { term: 1 });
    c.step(msg({ type: 'RequestVote', from: 'a', to: 'c', term: 2 }));
    c.step(msg({ type: 'RequestVote', from: 'b', to: 'c', term: 2 }));
    expect(drainMessages(c).map((m) => [m.to, m.reject ?? false])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('a candidate that hears from a leader of its term or later returns to follower; a stale one is rejected (§5.2)', () => {
    // Raft §5.2: "If the leader's term ... is at least as large as the candidate's current term,
    // then the candidate recognizes the leader as legitimate and returns to follower state. If the
    // term in the RPC is smaller ..., the candidate rejects the RPC and continues in candidate state."
    for (const term of [1, 2]) {
      const a = newNode('a', ABC);
      a.campaign();
      a.step(msg({ type: 'AppendEntries', from: 'b', to: 'a', term, index: 0, logTerm: 0, entries: [] }));
      expect(a.status(), `term ${term}`).toMatchObject({ role: 'follower', term, leader: 'b' });
    }
    const a = newNode('a', ABC, { term: 2 });
    a.campaign();
    a.step(msg({ type: 'AppendEntries', from: 'b', to: 'a', term: 2, index: 0, logTerm: 0, entries: [] }));
    expect(a.status()).toMatchObject({ role: 'candidate', term: 3, leader: null });
  });

  it('election timeouts of followers and candidates are drawn at random from [E, 2E − 1] ticks (§5.2)', () => {
    // Raft §5.2: "Raft uses randomized election timeouts ... election timeouts are chosen randomly
    // from a fixed interval (e.g., 150–300ms)."
    const followerTimeouts = new Set<number>();
    const candidateTimeouts = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      const a = newNode('a', ABC, { seed });
      let ticks = 0;
      while (a.currentRole === 'follower') {
        a.tick();
        ticks++;
      }
      followerTimeouts.add(ticks);
      ticks = 0;
      while (a.currentTerm === 1) {
        a.tick();
        ticks++;
      }
      candidateTimeouts.add(ticks);
    }
    for (const seen of [followerTimeouts, candidateTimeouts]) {
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(TEST_ELECTION_TICKS);
      expect(Math.max(...seen)).toBeLessThanOrEqual(2 * TEST_ELECTION_TICKS - 1);
      expect(seen.size).toBeGreaterThanOrEqual(8); // spread over the interval, not a constant
    }
  });

  it('randomized timeouts make split votes rare: in most rounds a single follower times out first (§5.2)', () => {
    // Raft §5.2: "This spreads out the servers so that in most cases only a single server will
    // time out; it wins the election and sends heartbeats before any other servers time out."
    const rounds = 1000;
    let conflicts = 0;
    for (let round = 0; round < rounds; round++) {
      const nodes = ids(5).map((id) => newNode(id, ids(5), { seed: round + 1 }));
      let timedOut = 0;
      while (timedOut === 0) {
        for (const n of nodes) n.tick();
        timedOut = nodes.filter((n) => n.currentRole === 'candidate').length;
      }
      if (timedOut > 1) conflicts++;
    }
    expect(conflicts / rounds).toBeLessThanOrEqual(0.3);
  });
});

describe('Raft §5.3: log replication', () => {
  it('a leader appends a command to its log, then sends AppendEntries with prevLogIndex, prevLogTerm and leaderCommit (§5.3)', () => {
    // Raft §5.3: "The leader appends the command to its log as a new entry, then issues
    // AppendEntries RPCs in parallel to each of the other servers to replicate the entry."
    const a = establishedLeader();
    expect(a.propose('some data')).toEqual({ ok: true, index: 2, term: 1 });
    const rd = drainReady(a);
    expect(rd.entries).toEqual([entry(2, 1, 'some data')]); // to stable storage first
    expect(rd.committedEntries).toEqual([]);
    expect(rd.messages.map((m) => [m.type, m.to, m.term, m.index, m.logTerm, m.commit, m.entries])).toEqual([
      ['AppendEntries', 'b', 1, 1, 1, 1, [entry(2, 1, 'some data')]],
      ['AppendEntries', 'c', 1, 1, 1, 1, [entry(2, 1, 'some data')]],
    ]);
  });

  it('a leader commits an entry once a majority stores it, applies it and announces the new commit index (§5.3)', () => {
    // Raft §5.3: "A log entry is committed once the leader that created the entry has replicated
    // it on a majority of the servers ... The leader keeps track of the highest index it knows to be
    // committed, and it includes that index in future AppendEntries RPCs."
    const a = establishedLeader();
    a.propose('some data');
    drainReady(a);
    a.step(appendResp('b', 'a', 1, 2));
    expect(a.status().commit).toBe(2);
    const rd = drainReady(a);
    expect(rd.committedEntries).toEqual([entry(2, 1, 'some data')]);
    expect(rd.messages.filter((m) => m.type === 'AppendEntries').map((m) => [m.to, m.commit])).toEqual([
      ['b', 2],
      ['c', 2],
    ]);
  });

  it('a leader commits as soon as a majority of the cluster acknowledges, whatever the others do (§5.3)', () => {
    // Raft §5.3: "the leader ... can respond as soon as a majority of the cluster has responded;
    // slow followers do not impact performance."
    const table: Array<[number, RaftId[], boolean]> = [
      [1, [], true],
      [3, [], false],
      [3, ['b'], true],
      [3, ['b', 'c'], true],
      [5, [], false],
      [5, ['b'], false],
      [5, ['b', 'c'], true],
      [5, ['b', 'c', 'd'], true],
      [5, ['b', 'c', 'd', 'e'], true],
    ];
    for (const [size, acks, wantCommitted] of table) {
      const a = newNode('a', ids(size));
      elect(a);
      const { index } = a.propose('x') as { index: number };
      for (const from of acks) a.step(appendResp(from, 'a', 1, index));
      const committed = drainReady(a).committedEntries.some((e) => e.index === index);
      expect(committed, `${size} ${acks.join(',')}`).toBe(wantCommitted);
      expect(a.status().commit >= index).toBe(wantCommitted);
    }
  });

  it('committing an entry also commits every preceding entry, including those of previous leaders (§5.3)', () => {
    // Raft §5.3: "This also commits all preceding entries in the leader's log, including entries
    // created by previous leaders."
    const logs: Entry[][] = [[], entries(2), entries(1, 2), entries(1)];
    for (const log of logs) {
      const a = newNode('a', ABC, { term: 2, entries: log });
      elect(a); // term 3, no-op at log.length + 1
      a.propose('some data');
      drainReady(a);
      const last = log.length + 2;
      a.step(appendResp('b', 'a', 3, last));
      const committed = drainReady(a).committedEntries;
      expect(indexTerms(committed), `${JSON.stringify(indexTerms(log))}`).toEqual([
        ...indexTerms(log),
        [log.length + 1, 3],
        [last, 3],
      ]);
    }
  });

  it('a follower applies an entry once it learns from the leader that the entry is committed (§5.3)', () => {
    // Raft §5.3: "Once a follower learns that a log entry is committed, it applies the entry to its
    // local state machine (in log order)."
    const table: Array<[Entry[], number, Array<[number, number]>]> = [
      [[entry(1, 1, 'some data')], 1, [[1, 1]]],
      [[entry(1, 1, 'some data'), entry(2, 1, 'some data2')], 2, [[1, 1], [2, 1]]],
      [[entry(1, 1, 'some data2'), entry(2, 1, 'some data')], 2, [[1, 1], [2, 1]]],
      [[entry(1, 1, 'some data'), entry(2, 1, 'some data2')], 1, [[1, 1]]],
    ];
    for (const [ents, commit, want] of table) {
      const b = newNode('b', ABC, { term: 1 });
      b.step(msg({ type: 'AppendEntries', from: 'a', to: 'b', term: 1, index: 0, logTerm: 0, entries: ents, commit }));
      const rd = drainReady(b);
      expect(b.status().commit).toBe(commit);
      expect(indexTerms(rd.committedEntries)).toEqual(want);
      expect(rd.committedEntries.map((e) => (e.type === 'normal' ? e.data : null))).toEqual(
        ents.slice(0, commit).map((e) => (e.type === 'normal' ? e.data : null)),
      );
    }
  });

  it('a follower refuses AppendEntries when it lacks an entry at prevLogIndex with prevLogTerm, hinting where to retry (§5.3)', () => {
    // Raft §5.3: "If the follower does not find an entry in its log with the same index and term,
    // then it refuses the new entries." etcd: the refusal hints the last index whose term could match.
    const table: Array<[number, number, number, boolean, number | undefined]> = [
      // logTerm, prevIndex → acknowledged index, rejected, hint
      [0, 0, 1, false, undefined], // matches below the commit index: acknowledges the commit index
      [1, 1, 1, false, undefined], // matches a committed entry
      [2, 2, 2, false, undefined], // matches an uncommitted entry
      [1, 2, 2, true, 1], // entry 2 has term 2, not 1: retry from 1
      [3, 3, 3, true, 2], // no entry 3: retry from the last entry, 2
    ];
    for (const [logTerm, index, wantIndex, wantReject, wantHint] of table) {
      const b = newNode('b', ABC, { term: 2, entries: entries(1, 2), commit: 1 });
      b.step(msg({ type: 'AppendEntries', from: 'a', to: 'b', term: 2, index, logTerm, entries: [], commit: 1 }));
      const out = drainMessages(b);
      expect(out, `${logTerm}/${index}`).toHaveLength(1);
      expect(out[0]).toMatchObject({ type: 'AppendEntriesResponse', to: 'a', term: 2, index: wantIndex });
      expect(out[0]!.reject ?? false).toBe(wantReject);
      expect(out[0]!.rejectHint).toBe(wantHint);
      expect(b.status().lastIndex).toBe(2); // a refusal never changes the log
    }
  });

  it('a follower deletes a conflicting entry and all that follow it, then appends the new entries (§5.3)', () => {
    // Raft §5.3: "If an existing entry conflicts with a new one (same index but different terms),
    // delete the existing entry and all that follow it; append any new entries not already in the log."
    const table: Array<[number, number, Entry[], Array<[number, number]>, Array<[number, number]>]> = [
      // prevIndex, prevTerm, entries → log, entries to persist
      [2, 2, [entry(3, 3)], [[1, 1], [2, 2], [3, 3]], [[3, 3]]],
      [1, 1, [entry(2, 3), entry(3, 4)], [[1, 1], [2, 3], [3, 4]], [[2, 3], [3, 4]]],
      [0, 0, [entry(1, 1)], [[1, 1], [2, 2]], []], // already held: nothing is truncated
      [0, 0, [entry(1, 3)], [[1, 3]], [[1, 3]]],
    ];
    for (const [index, logTerm, ents, wantLog, wantUnstable] of table) {
      const b = newNode('b', ABC, { term: 2, entries: entries(1, 2) });
      b.step(msg({ type: 'AppendEntries', from: 'a', to: 'b', term: 2, index, logTerm, entries: ents, commit: 0 }));
      const rd = drainReady(b);
      expect(logOf(b), `${index}/${logTerm}`).toEqual(wantLog);
      expect(indexTerms(rd.entries)).toEqual(wantUnstable);
    }
  });

  it('a leader brings the follower logs of Figure 7 into agreement with its own (§5.3)', () => {
    // Raft §5.3: "the leader handles inconsistencies by forcing the followers' logs to duplicate its
    // own ... the leader must find the latest log entry where the two logs agree, delete any
    // entries in the follower's log after that point, and send the follower all of the leader's
    // entries after that point." Followers (a)–(f) of Figure 7; the leader is in term 8.
    const leaderLog = entries(1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
    const followerLogs = [
      entries(1, 1, 1, 4, 4, 5, 5, 6, 6),
      entries(1, 1, 1, 4),
      entries(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6),
      entries(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7),
      entries(1, 1, 1, 4, 4, 4, 4),
      entries(1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3),
    ];
    for (const [i, followerLog] of followerLogs.entries()) {
      const net = new SyncNetwork([]);
      net.add('a', newStorage(ABC, { term: 7, entries: leaderLog, commit: leaderLog.length }));
      net.add('b', newStorage(ABC, { term: 6, entries: followerLog }));
      net.add('c', newStorage(ABC));
      net.crash('c'); // c only votes, by the message below
      net.campaign('a');
      // b may refuse (its log can be more up-to-date), so a needs c's vote.
      net.send(msg({ type: 'RequestVoteResponse', from: 'c', to: 'a', term: 8 }));
      expect(net.node('a').status()).toMatchObject({ role: 'leader', term: 8 });
      net.propose('a', 'x');
      const want = logOf(net.node('a'));
      expect(want.slice(10)).toEqual([[11, 8], [12, 8]]);
      expect(logOf(net.node('b')), `follower ${'abcdef'[i]}`).toEqual(want);
      expect(net.storage('b').entries.map((e) => [e.index, e.term])).toEqual(want);
    }
  });

  it('a leader skips back a whole conflicting term per refusal rather than one entry at a time (§5.3)', () => {
    // Raft §5.3: "the follower can include the term of the conflicting entry and the first index
    // it stores for that term. With this information, the leader can decrement nextIndex to bypass
    // all of the conflicting entries in that term; one AppendEntries RPC will be required for each
    // term with conflicting entries, rather than one RPC per entry."
    const stale = Array.from({ length: 50 }, () => 2);
    const fresh = Array.from({ length: 50 }, () => 3);
    const net = new SyncNetwork([]);
    net.add('a', newStorage(ABC, { term: 3, entries: entries(1, ...fresh), commit: 1 }));
    net.add('b', newStorage(ABC, { term: 3, entries: entries(1, ...stale), commit: 1 }));
    net.add('c', newStorage(ABC, { term: 3, entries: entries(1, ...fresh), commit: 1 }));
    net.campaign('a');
    expect(net.node('a').currentRole).toBe('leader');
    const refusals = net.messages((m) => m.type === 'AppendEntriesResponse' && m.from === 'b' && m.reject === true);
    expect(refusals.length).toBe(1);
    expect(logOf(net.node('b'))).toEqual(logOf(net.node('a')));
  });
});

describe('Raft §5.4.1: election restriction', () => {
  it('a voter refuses a candidate whose log is less up-to-date: later last term wins, then the longer log (§5.4.1)', () => {
    // Raft §5.4.1: "If the logs have last entries with different terms, then the log with the
    // later term is more up-to-date. If the logs end with the same term, then whichever log is
    // longer is more up-to-date." The voter denies its vote if its own log is more up-to-date.
    const table: Array<[Entry[], number, number, boolean]> = [
      // voter's log; candidate's last log term and index → refused
      [entries(1), 1, 1, false],
      [entries(1), 1, 2, false],
      [entries(1, 1), 1, 1, true],
      [entries(1), 2, 1, false],
      [entries(1), 2, 2, false],
      [entries(1, 1), 2, 1, false],
      [entries(2), 1, 1, true],
      [entries(2), 1, 2, true],
      [entries(2, 1), 1, 1, true],
    ];
    for (const [log, logTerm, index, wantReject] of table) {
      const a = newNode('a', ABC, { entries: log });
      a.step(msg({ type: 'RequestVote', from: 'b', to: 'a', term: 3, index, logTerm }));
      const out = drainMessages(a);
      expect(out, `${JSON.stringify(indexTerms(log))} vs ${logTerm}/${index}`).toHaveLength(1);
      expect(out[0]).toMatchObject({ type: 'RequestVoteResponse', to: 'b', term: 3 });
      expect(out[0]!.reject ?? false).toBe(wantReject);
      expect(a.status().vote).toBe(wantReject ? null : 'b');
    }
  });

  it("a candidate's RequestVote carries the index and term of its last log entry (§5.4.1)", () => {
    // Raft §5.4.1: "The RequestVote RPC implements this restriction: the RPC includes information
    // about the candidate's log."
    const table: Array<[Entry[], number]> = [
      [entries(1), 2],
      [entries(1, 2), 3],
    ];
    for (const [log, term] of table) {
      const a = newNode('a', ABC, { term: term - 1, entries: log });
      a.campaign(); // the election timer fires
      const out = drainMessages(a);
      const last = log.at(-1)!;
      expect(out.map((m) => [m.type, m.to, m.term, m.index, m.logTerm])).toEqual([
        ['RequestVote', 'b', term, last.index, last.term],
        ['RequestVote', 'c', term, last.index, last.term],
      ]);
      // Votes from a majority make it leader.
      a.step(msg({ type: 'RequestVoteResponse', from: 'b', to: 'a', term }));
      expect(a.currentRole).toBe('leader');
    }
  });

  it('a candidate missing a committed entry cannot win, so every leader holds all committed entries (§5.4.1)', () => {
    // Raft §5.4.1: "A candidate must contact a majority of the cluster in order to be elected,
    // which means that every committed entry must be present in at least one of those servers."
    const net = new SyncNetwork(ABC);
    net.campaign('a');
    net.isolate('c');
    const { index } = net.propose('a', 'committed') as { index: number };
    expect(net.node('a').status().commit).toBe(index);
    net.crash('a');
    net.recover();
    net.campaign('c'); // b refuses: c lacks the committed entry
    expect(net.node('c').currentRole).not.toBe('leader');
    net.campaign('b');
    expect(net.node('b').currentRole).toBe('leader');
    expect(net.node('b').entryAt(index)).toMatchObject({ type: 'normal', data: 'committed' });
    expect(net.node('c').entryAt(index)).toMatchObject({ type: 'normal', data: 'committed' });
  });
});

describe('Raft §5.4.2: committing entries from previous terms', () => {
  it('a leader never commits an earlier-term entry by counting replicas, only through a current-term entry (§5.4.2)', () => {
    // Raft §5.4.2: "Raft never commits log entries from previous terms by counting replicas. Only
    // log entries from the leader's current term are committed by counting replicas; once an entry
    // from the current term has been committed in this way, then all prior entries are committed
    // indirectly because of the Log Matching Property."
    const table: Array<[number, number]> = [
      // b acknowledges index → leader's commit index
      [1, 0],
      [2, 0],
      [3, 3],
    ];
    for (const [ack, wantCommit] of table) {
      const a = newNode('a', ABC, { term: 2, entries: entries(1, 2) });
      elect(a); // term 3; its no-op is index 3
      a.step(appendResp('b', 'a', 3, ack));
      expect(a.status().commit, `ack ${ack}`).toBe(wantCommit);
    }
  });

  it('Figure 8: an earlier-term entry stored on a majority is not committed and may be overwritten by a later leader (§5.4.2)', () => {
    // Raft §5.4.2 (Figure 8): "a log entry is stored on a majority of servers, yet can still be
    // overwritten by a future leader." Five servers; one entry per AppendEntries so replication
    // can be stopped between entries.
    const servers = ids(5);
    const net = new SyncNetwork(servers, { maxEntriesPerMessage: 1 });
    // (a) a leads term 1 and replicates index 2 to b only.
    net.campaign('a');
    for (const to of ['c', 'd', 'e']) net.drop('a', to);
    net.propose('a', 'term-1 entry');
    expect(net.node('b').termAt(2)).toBe(1);
    // (b) a crashes; e is elected in term 2 by c, d and e, and appends its no-op at index 2 alone.
    net.crash('a');
    net.recover();
    net.msgHook = (m) => !(m.from === 'e' && m.type === 'AppendEntries');
    net.campaign('e');
    expect(net.node('e').status()).toMatchObject({ role: 'leader', term: 2 });
    expect(net.node('e').termAt(2)).toBe(2);
    // (c) e crashes; a restarts and is elected in term 3 (c and d voted in term 2, so a needs two
    // rounds). It replicates index 2 to c and d, but its term-3 no-op (index 3) only reaches b.
    net.crash('e');
    net.msgHook = (m) =>
      !(m.type === 'AppendEntries' && m.to !== 'b' && net.peer(m.to).node?.termAt(2) === 1 && (m.entries ?? []).length > 0);
    net.restart('a');
    net.campaign('a');
    if (net.node('a').currentRole !== 'leader') net.campaign('a');
    expect(net.node('a').status()).toMatchObject({ role: 'leader', term: 3 });
    expect(['a', 'b', 'c', 'd'].map((id) => net.node(id).termAt(2))).toEqual([1, 1, 1, 1]); // a majority
    expect(net.node('a').status().commit).toBe(1); // ... and still not committed
    // (d) a crashes; e restarts and wins term 4 with c and d (its last term 2 beats their 1), then
    // overwrites their index 2.
    net.crash('a');
    net.msgHook = null;
    net.restart('e');
    net.campaign('e'); // term 3: refused, b, c and d already voted for a
    net.campaign('e');
    expect(net.node('e').status()).toMatchObject({ role: 'leader', term: 4 });
    for (const id of ['c', 'd', 'e']) expect(net.node(id).termAt(2), `${id}`).toBe(2);
    // No server ever applied the overwritten term-1 entry.
    for (const id of servers) expect(net.peer(id).applied.some((e) => e.index === 2 && e.term === 1), `${id}`).toBe(false);
  });
});
