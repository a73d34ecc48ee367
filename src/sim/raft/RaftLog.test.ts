/**
 * RaftLog on its own: the log rules of Figure 2 and §5.3–§5.4, and the bookkeeping the Ready loop
 * relies on (stable index, applied index, compaction and restore).
 */
import { describe, expect, it } from 'vitest';
import { RaftLog, RaftSafetyError } from './RaftLog';
import { entries, entriesFrom, entry, indexTerms } from './testkit';
import type { Snapshot } from './types';

const NO_SNAPSHOT: Snapshot = { index: 0, term: 0, conf: { voters: ['a', 'b', 'c'] }, data: null };

function snapshotAt(index: number, term: number): Snapshot {
  return { index, term, conf: { voters: ['a', 'b', 'c'] }, data: `state@${index}` };
}

function logWith(terms: number[], committed = 0): RaftLog {
  return new RaftLog(NO_SNAPSHOT, entries(...terms), committed);
}

describe('RaftLog', () => {
  it('knows the term of every entry it holds and of the snapshot, and nothing outside them (§7)', () => {
    // Raft §7: the snapshot keeps "the last included index ... and term ... to support the
    // AppendEntries consistency check for the first log entry following the snapshot".
    const log = new RaftLog(snapshotAt(3, 2), entriesFrom(4, 2, 3), 3);
    expect([2, 3, 4, 5, 6].map((i) => log.term(i))).toEqual([undefined, 2, 2, 3, undefined]);
    expect(log.firstIndex()).toBe(4);
    expect(log.lastIndex()).toBe(5);
    expect(log.lastTerm()).toBe(3);
    expect(log.entryAt(3)).toBeUndefined();
    expect(log.slice(3, 6)).toBeUndefined(); // part of it is compacted away
    expect(indexTerms(log.slice(4, 10)!)).toEqual([
      [4, 2],
      [5, 3],
    ]);
    expect(new RaftLog(snapshotAt(3, 2), [], 3).lastTerm()).toBe(2);
  });

  it('judges a log more up-to-date by its last term first, then by its length (§5.4.1)', () => {
    // Raft §5.4.1: "If the logs have last entries with different terms, then the log with the later
    // term is more up-to-date. If the logs end with the same term, then whichever log is longer is
    // more up-to-date."
    const log = logWith([1, 2, 2]);
    const table: Array<[number, number, boolean]> = [
      [3, 1, false],
      [9, 1, false], // longer but older last term
      [2, 2, false], // same term, shorter
      [3, 2, true], // same term, same length
      [4, 2, true],
      [1, 3, true], // later term, however short
    ];
    for (const [lastIndex, lastTerm, want] of table) {
      expect(log.isUpToDate(lastIndex, lastTerm), `${lastTerm}/${lastIndex}`).toBe(want);
    }
  });

  it('refuses new entries when it lacks the entry at prevLogIndex with prevLogTerm (§5.3)', () => {
    // Raft §5.3 / Figure 2, AppendEntries receiver rule 2: "Reply false if log doesn't contain an
    // entry at prevLogIndex whose term matches prevLogTerm."
    const log = logWith([1, 2]);
    expect(log.maybeAppend(2, 1, 3, [entry(3, 3)])).toBeUndefined();
    expect(log.maybeAppend(3, 2, 3, [entry(4, 3)])).toBeUndefined();
    expect(indexTerms(log.allEntries())).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(log.committed).toBe(0);
  });

  it('replaces a conflicting suffix, keeps entries it already has, and commits min(leaderCommit, last new entry) (§5.3)', () => {
    // Figure 2, AppendEntries receiver rules 3–5: delete a conflicting entry and all that follow;
    // "append any new entries not already in the log"; "set commitIndex = min(leaderCommit, index
    // of last new entry)".
    const log = logWith([1, 1, 2, 2]);
    // A stale append carrying entries the follower already has changes nothing and must not
    // commit past what it carried, even though the follower's log is longer.
    expect(log.maybeAppend(0, 0, 4, entries(1, 1))).toBe(2);
    expect(log.lastIndex()).toBe(4);
    expect(log.committed).toBe(2);
    // A conflict at index 3 replaces 3 and 4.
    expect(log.maybeAppend(2, 1, 3, [entry(3, 3)])).toBe(3);
    expect(indexTerms(log.allEntries())).toEqual([
      [1, 1],
      [2, 1],
      [3, 3],
    ]);
    expect(log.committed).toBe(3);
    expect(log.stableIndex).toBe(2); // index 3 must be written to storage again
    expect(indexTerms(log.unstableEntries())).toEqual([[3, 3]]);
  });

  it('never deletes a committed entry: a conflict below the commit index is a safety violation (Figure 3)', () => {
    // Raft Figure 3, State Machine Safety: a committed (and maybe applied) entry is never replaced.
    const log = logWith([1, 1, 2], 2);
    expect(() => log.maybeAppend(1, 1, 3, [entry(2, 3)])).toThrow(RaftSafetyError);
    expect(indexTerms(log.allEntries())).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
    ]);
  });

  it('finds, for fast backtracking, the last index at or below a point whose term is at most a given term (§5.3)', () => {
    // Raft §5.3: the follower can include "the term of the conflicting entry" so the leader can
    // "bypass all of the conflicting entries in that term".
    const log = logWith([1, 1, 3, 3, 5, 5]);
    const table: Array<[number, number, [number, number]]> = [
      [6, 5, [6, 5]],
      [6, 4, [4, 3]],
      [6, 2, [2, 1]],
      [6, 0, [0, 0]],
      [3, 9, [3, 3]],
    ];
    for (const [index, term, [wantIndex, wantTerm]] of table) {
      expect(log.findConflictByTerm(index, term), `${index}/${term}`).toEqual({ index: wantIndex, term: wantTerm });
    }
    // Below a snapshot the term is unknown: the snapshot boundary is reported with term 0.
    const compacted = new RaftLog(snapshotAt(4, 3), entriesFrom(5, 5, 5), 4);
    expect(compacted.findConflictByTerm(6, 2)).toEqual({ index: 3, term: 0 });
    expect(compacted.findConflictByTerm(6, 3)).toEqual({ index: 4, term: 3 });
  });

  it('commits by counting replicas only an entry of the current term, and never lowers the commit index (§5.4.2)', () => {
    // Raft §5.4.2: "Only log entries from the leader's current term are committed by counting replicas."
    const log = logWith([1, 2, 3]);
    expect(log.maybeCommit(2, 3)).toBe(false);
    expect(log.committed).toBe(0);
    expect(log.maybeCommit(3, 3)).toBe(true);
    expect(log.committed).toBe(3);
    expect(log.maybeCommit(2, 2)).toBe(false);
    log.commitTo(1);
    expect(log.committed).toBe(3);
    expect(() => log.commitTo(4)).toThrow('commit 4 beyond last index 3');
  });

  it('hands out committed entries once and compacts only what was applied (§7)', () => {
    // Raft §7: "Each server takes snapshots independently, covering just the committed entries in
    // its log" — here, the applied ones.
    const log = logWith([1, 1, 2, 2], 3);
    expect(indexTerms(log.nextCommittedEntries())).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
    ]);
    expect(() => log.compact(snapshotAt(2, 1))).toThrow('compact 2 beyond applied 0'); // nothing applied yet
    log.applied = 3;
    expect(log.nextCommittedEntries()).toEqual([]);
    log.compact(snapshotAt(2, 1));
    expect(log.firstIndex()).toBe(3);
    expect(indexTerms(log.allEntries())).toEqual([
      [3, 2],
      [4, 2],
    ]);
    log.compact(snapshotAt(1, 1)); // older than the current snapshot: ignored
    expect(log.snapshot.index).toBe(2);
  });

  it('restore replaces the whole log with a snapshot and commits up to it (§7)', () => {
    // Raft §7: "the follower discards its entire log; it is all superseded by the snapshot".
    const log = logWith([1, 1, 2], 1);
    const s = snapshotAt(5, 3);
    log.restore(s);
    expect(log.snapshot).toBe(s);
    expect(log.pendingSnapshot).toBe(s);
    expect(log.allEntries()).toEqual([]);
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm(), log.committed]).toEqual([6, 5, 3, 5]);
    expect(log.unstableEntries()).toEqual([]);
    expect(log.nextCommittedEntries()).toEqual([]); // the snapshot is applied whole, not entry by entry
  });
});
