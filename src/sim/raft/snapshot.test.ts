/**
 * Raft §7 (log compaction and InstallSnapshot), claim by claim. Unit tests step messages into one
 * node built from storage; scenario tests run a {@link SyncNetwork}.
 */
import { describe, expect, it } from 'vitest';
import { SyncNetwork, drainReady, entries, entry, indexTerms, msg, newNode } from './testkit';
import type { Message, Snapshot } from './types';

const ABC = ['a', 'b', 'c'];

function installSnapshot(from: string, to: string, term: number, snapshot: Snapshot) {
  return msg({ type: 'InstallSnapshot', from, to, term, snapshot });
}

describe('Raft §7: log compaction', () => {
  it('compaction replaces the applied prefix of the log with a snapshot of its last index, term and configuration (§7)', () => {
    // Raft §7: "Each server takes snapshots independently, covering just the committed entries in
    // its log ... Raft also includes a small amount of metadata in the snapshot: the last included
    // index ... the last included term ... [and] the latest configuration as of the last included index."
    const b = newNode('b', ABC, { term: 2, entries: entries(1, 1, 2, 2), commit: 3 });
    expect(b.compact('nothing applied yet')).toBeNull(); // committed but not yet applied
    drainReady(b); // applies 1..3
    const snapshot = b.compact('state@3');
    expect(snapshot).toEqual({ index: 3, term: 2, conf: { voters: ABC }, data: 'state@3' });
    expect(b.status()).toMatchObject({ firstIndex: 4, lastIndex: 4, commit: 3, applied: 3 });
    expect(b.entryAt(3)).toBeUndefined(); // discarded ...
    expect(b.termAt(3)).toBe(2); // ... but its term is still known, for the consistency check
    expect(b.entryAt(4)).toEqual(entry(4, 2)); // the uncommitted tail stays
    expect(b.compact('again')).toBeNull(); // nothing new applied
  });

  it('each server compacts independently; a follower that compacted keeps accepting appends (§7)', () => {
    // Raft §7: "Each server takes snapshots independently ... This approach departs from Raft's
    // strong leader principle, since followers can take snapshots without the knowledge of the leader."
    const net = new SyncNetwork(ABC);
    net.campaign('a');
    net.propose('a', 'x1');
    net.propose('a', 'x2');
    const snapshot = net.compact('b', 'b@3')!;
    expect(snapshot.index).toBe(3);
    expect(net.storage('b').snapshot.index).toBe(3);
    expect(net.storage('b').entries).toEqual([]);
    expect(net.compact('a')).not.toBeNull();
    net.propose('a', 'x3');
    expect(net.node('b').status()).toMatchObject({ firstIndex: 4, lastIndex: 4, commit: 4 });
    expect(net.peer('b').applied.at(-1)).toMatchObject({ index: 4, data: 'x3' });
    expect(net.messages((m) => m.type === 'InstallSnapshot')).toEqual([]);
  });
});

describe('Raft §7: InstallSnapshot', () => {
  it('a leader sends its snapshot to a follower that needs entries it has already discarded (§7)', () => {
    // Raft §7: "the leader must occasionally send snapshots to followers that lag behind. This
    // happens when the leader has already discarded the next log entry that it needs to send to a follower."
    const net = new SyncNetwork(ABC);
    net.campaign('a');
    net.isolate('c');
    for (let i = 1; i <= 5; i++) net.propose('a', `x${i}`);
    const snapshot = net.compact('a', 'a@6')!;
    expect(snapshot).toMatchObject({ index: 6, term: 1 });
    net.recover();
    net.tick('a'); // heartbeat; c's reply shows it lags
    const sent = net.messages((m) => m.type === 'InstallSnapshot');
    expect(sent.map((m) => [m.from, m.to, m.term, m.snapshot?.index])).toEqual([['a', 'c', 1, 6]]);
    expect(net.peer('c').installedSnapshots.map((s) => s.data)).toEqual(['a@6']);
    expect(net.storage('c').snapshot.index).toBe(6);
    expect(net.node('a').status().progress.c).toMatchObject({ match: 6, state: 'replicate' });
    // Replication resumes with ordinary appends after the snapshot.
    net.propose('a', 'x6');
    expect(net.node('c').status()).toMatchObject({ firstIndex: 7, lastIndex: 7, commit: 7 });
    // c applied the no-op before it was cut off, then 2..6 through the snapshot, never one by one.
    expect(net.peer('c').applied.map((e) => e.index)).toEqual([1, 7]);
  });

  it('a follower receiving a snapshot of entries it lacks discards its whole log and restores from the snapshot (§7)', () => {
    // Raft §7: "Usually the snapshot will contain new information not already in the recipient's
    // log. In this case, the follower discards its entire log; it is all superseded by the
    // snapshot and may possibly have uncommitted entries that conflict with the snapshot."
    const b = newNode('b', ABC, { term: 3, entries: entries(1, 1, 2, 2), commit: 1 });
    drainReady(b);
    const snapshot: Snapshot = { index: 5, term: 3, conf: { voters: ['a', 'b', 'c', 'd'] }, data: 'state@5' };
    b.step(installSnapshot('a', 'b', 3, snapshot));
    const rd = drainReady(b);
    expect(rd.snapshots).toEqual([snapshot]); // for the host to persist and load into the state machine
    expect(rd.committedEntries).toEqual([]); // entries 2..5 are in the snapshot, never applied one by one
    expect(b.status()).toMatchObject({
      leader: 'a',
      firstIndex: 6,
      lastIndex: 5,
      lastTerm: 3,
      commit: 5,
      applied: 5,
      voters: ['a', 'b', 'c', 'd'],
    });
    expect(b.entryAt(3)).toBeUndefined(); // the conflicting term-2 entries are gone
    expect(rd.messages.map((m) => [m.type, m.to, m.term, m.index, m.reject ?? false])).toEqual([
      ['AppendEntriesResponse', 'a', 3, 5, false],
    ]);
  });

  it("a follower receiving a snapshot of a prefix of its log keeps the entries after it, and acknowledges only the snapshot's index (§7)", () => {
    // Raft §7: "If instead the follower receives a snapshot that describes a prefix of its log (due
    // to retransmission or by mistake), then log entries covered by the snapshot are deleted but
    // entries following the snapshot are still valid and must be retained." The entries after it
    // were never checked against the leader's log, so the reply acknowledges the snapshot's index
    // only (etcd: the commit index); acknowledging the whole log would let the leader count this
    // follower for entries it may not hold.
    const b = newNode('b', ABC, { term: 3, entries: entries(1, 1, 1, 2, 2) });
    const snapshot: Snapshot = { index: 3, term: 1, conf: { voters: ABC }, data: 'state@3' };
    b.step(installSnapshot('a', 'b', 3, snapshot));
    const rd = drainReady(b);
    expect(rd.snapshots).toEqual([]); // nothing to install: the entries are here
    expect(indexTerms(rd.committedEntries)).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(b.status()).toMatchObject({ commit: 3, lastIndex: 5, lastTerm: 2 });
    expect(rd.messages.map((m) => [m.type, m.to, m.index, m.reject ?? false])).toEqual([
      ['AppendEntriesResponse', 'a', 3, false],
    ]);
  });

  it("a snapshot that is not ahead of the follower's commit index is not installed (§7)", () => {
    // Raft §7 (InstallSnapshot receiver, with etcd's restore rule): a snapshot that covers only
    // committed entries brings nothing new, so the follower keeps its log and reports its commit index.
    for (const index of [3, 5]) {
      const b = newNode('b', ABC, { term: 2, entries: entries(1, 1, 1, 2, 2, 2), commit: 5 });
      drainReady(b);
      b.step(installSnapshot('a', 'b', 2, { index, term: index === 3 ? 1 : 2, conf: { voters: ['a'] }, data: 'old' }));
      const rd = drainReady(b);
      expect(rd.snapshots, `snapshot ${index}`).toEqual([]);
      expect(b.status()).toMatchObject({ firstIndex: 1, lastIndex: 6, commit: 5, voters: ABC });
      expect(rd.messages.map((m) => [m.type, m.to, m.index, m.reject ?? false])).toEqual([
        ['AppendEntriesResponse', 'a', 5, false],
      ]);
    }
    // Also when the follower has compacted past it and no longer holds the snapshot's last entry.
    const b = newNode('b', ABC, { term: 2, snapshot: { index: 4, term: 2 }, entries: [entry(5, 2), entry(6, 2)], commit: 5 });
    drainReady(b);
    b.step(installSnapshot('a', 'b', 2, { index: 3, term: 1, conf: { voters: ['a'] }, data: 'old' }));
    const rd = drainReady(b);
    expect(rd.snapshots).toEqual([]);
    expect(b.status()).toMatchObject({ firstIndex: 5, lastIndex: 6, commit: 5, voters: ABC });
    expect(b.latestSnapshot().index).toBe(4);
  });

  it('a restarted server recovers from its stored snapshot and re-applies only the committed entries after it (§7)', () => {
    // Raft §7: the snapshot replaces the state machine's history up to its last included index;
    // a server that restarts "reloads its state machine from the snapshot" (thesis §5.1) and the
    // log after it.
    const net = new SyncNetwork(ABC);
    net.campaign('a');
    net.propose('a', 'x1');
    net.compact('b', 'b@2');
    net.propose('a', 'x2');
    net.propose('a', 'x3');
    net.crash('b');
    net.restart('b');
    expect(net.node('b').status()).toMatchObject({ firstIndex: 3, lastIndex: 4, commit: 4, applied: 4 });
    expect(net.peer('b').appliedIndex).toBe(4);
    expect(net.peer('b').applied.map((e) => [e.index, e.type === 'normal' ? e.data : null])).toEqual([
      [3, 'x2'],
      [4, 'x3'],
    ]);
  });

  it('a follower that installed a snapshot older than the leader\'s latest is sent the newer one (§7; regression of chaos seeds 17 and 50)', () => {
    // Raft §7: the leader "uses a new RPC called InstallSnapshot to send snapshots to followers
    // that are too far behind". Found by chaos seeds 17 and 50: the follower acknowledged snapshot
    // s1 after the leader had compacted again to s2, and the leader kept waiting in Snapshot state
    // forever because the acknowledged index was still before its first log index.
    const net = new SyncNetwork(ABC);
    net.campaign('a');
    net.isolate('c');
    for (let i = 0; i < 5; i++) net.propose('a', `x${i}`);
    const s1 = net.compact('a', 'a@s1')!;
    net.recover();
    let held: Message | null = null;
    net.msgHook = (m) => {
      if (held === null && m.from === 'c' && m.type === 'AppendEntriesResponse' && net.node('c').latestSnapshot().index === s1.index) {
        held = m; // the acknowledgement of s1 is still on the wire ...
        return false;
      }
      return true;
    };
    net.propose('a', 'x5'); // ... the probe finds c behind the compacted log and sends s1
    expect(net.node('c').latestSnapshot().index).toBe(s1.index);
    expect(held).not.toBeNull();
    for (let i = 6; i < 10; i++) net.propose('a', `x${i}`);
    const s2 = net.compact('a', 'a@s2')!; // ... while the leader compacts again
    expect(s2.index).toBeGreaterThan(s1.index);
    net.msgHook = null;
    const before = net.sent.length;
    net.send(held!);
    const resent = net.sent.slice(before).map((x) => x.message).filter((m) => m.type === 'InstallSnapshot');
    expect(resent.map((m) => m.snapshot!.index)).toEqual([s2.index]);
    expect(net.node('c').status().lastIndex).toBe(net.node('a').status().lastIndex);
  });
});

