/**
 * The in-memory Raft log of one node: a snapshot base plus the entries after it, the commit and
 * applied indexes, and which suffix is not yet on stable storage (etcd-raft's raftLog/unstable).
 */
import type { Entry, Snapshot } from './types';

/** Thrown when a follower is asked to overwrite a committed entry: a Raft safety violation. */
export class RaftSafetyError extends Error {}

/** The log: entries `snapshot.index + 1 .. lastIndex()` are held in memory. */
export class RaftLog {
  /** The latest snapshot; index 0 / term 0 before any compaction. */
  snapshot: Snapshot;
  private entries: Entry[];
  /** Highest index known to be committed. */
  committed: number;
  /** Highest index handed to the state machine and acknowledged by `advance`. */
  applied: number;
  /** Highest index known to be on stable storage. */
  stableIndex: number;
  /** A snapshot received from the leader that the host has not persisted yet. */
  pendingSnapshot: Snapshot | null = null;

  constructor(snapshot: Snapshot, entries: Entry[], committed: number) {
    this.snapshot = snapshot;
    this.entries = entries.slice();
    this.stableIndex = this.lastIndex();
    this.committed = Math.max(committed, snapshot.index);
    this.applied = snapshot.index;
  }

  /** The first index held in memory (after the snapshot). */
  firstIndex(): number {
    return this.snapshot.index + 1;
  }

  /** The index of the last entry (the snapshot index when the log is empty). */
  lastIndex(): number {
    return this.snapshot.index + this.entries.length;
  }

  /** The term of the entry at `index`, or undefined when it is compacted away or beyond the end. */
  term(index: number): number | undefined {
    if (index === this.snapshot.index) return this.snapshot.term;
    if (index < this.snapshot.index || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshot.index - 1]!.term;
  }

  /** The term of the last entry. */
  lastTerm(): number {
    return this.term(this.lastIndex())!;
  }

  /** The entry at `index`, when held in memory. */
  entryAt(index: number): Entry | undefined {
    if (index <= this.snapshot.index || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshot.index - 1];
  }

  /** True when the entry at `index` has term `term`. */
  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Raft §5.4.1: a candidate's log is at least as up-to-date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [lo, hi), or undefined when part of the range is compacted away. */
  slice(lo: number, hi: number): Entry[] | undefined {
    if (lo <= this.snapshot.index) return undefined;
    const base = this.snapshot.index + 1;
    return this.entries.slice(lo - base, Math.min(hi, this.lastIndex() + 1) - base);
  }

  /** Every entry in memory (for checkers and views; do not mutate). */
  allEntries(): readonly Entry[] {
    return this.entries;
  }

  /** Appends entries whose indexes follow the last one (a leader's own proposals). */
  append(entries: Entry[]): void {
    for (const e of entries) {
      if (e.index !== this.lastIndex() + 1) throw new Error(`append: index ${e.index} after ${this.lastIndex()}`);
      this.entries.push(e);
    }
  }

  /**
   * Raft §5.3, AppendEntries receiver rules 2–4: when the entry at `prevIndex` has `prevTerm`,
   * deletes conflicting entries, appends the new ones and advances the commit index to
   * min(leaderCommit, index of the last new entry). Returns that last new index, or undefined
   * when the consistency check fails.
   */
  maybeAppend(prevIndex: number, prevTerm: number, leaderCommit: number, entries: Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new RaftSafetyError(`entry ${conflict} conflicts with committed entry (committed ${this.committed})`);
      }
      this.truncateAndAppend(entries.slice(conflict - entries[0]!.index));
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** The index of the first entry that is new or whose term differs from ours; 0 when none. */
  findConflict(entries: Entry[]): number {
    for (const e of entries) if (!this.matchTerm(e.index, e.term)) return e.index;
    return 0;
  }

  /**
   * The largest index ≤ `index` whose term is ≤ `term` (fast log backtracking); an index at or
   * before the snapshot is returned as is. Returns the index and its term (0 when unknown).
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = index; i > 0; i--) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
    return { index: 0, term: 0 };
  }

  /** Replaces every entry from `entries[0].index` on with `entries`. */
  truncateAndAppend(entries: Entry[]): void {
    if (entries.length === 0) return;
    const from = entries[0]!.index;
    if (from <= this.snapshot.index) throw new Error(`truncate at ${from} before snapshot ${this.snapshot.index}`);
    this.entries.length = Math.min(this.entries.length, from - this.snapshot.index - 1);
    this.entries.push(...entries);
    this.stableIndex = Math.min(this.stableIndex, from - 1);
  }

  /** Raises the commit index (never lowers it). */
  commitTo(index: number): void {
    if (index > this.committed) {
      if (index > this.lastIndex()) throw new Error(`commit ${index} beyond last index ${this.lastIndex()}`);
      this.committed = index;
    }
  }

  /** Raft §5.4.2: commit `index` only when its entry is from `currentTerm`. */
  maybeCommit(index: number, currentTerm: number): boolean {
    if (index > this.committed && this.term(index) === currentTerm) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  /** Entries not yet on stable storage. */
  unstableEntries(): Entry[] {
    return this.slice(Math.max(this.stableIndex + 1, this.firstIndex()), this.lastIndex() + 1) ?? [];
  }

  /** Committed entries not yet applied. */
  nextCommittedEntries(): Entry[] {
    const from = Math.max(this.applied, this.snapshot.index) + 1;
    if (from > this.committed) return [];
    return this.slice(from, this.committed + 1) ?? [];
  }

  /** Replaces the whole log with a snapshot received from the leader (InstallSnapshot). */
  restore(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.entries = [];
    this.committed = snapshot.index;
    this.stableIndex = snapshot.index;
    this.pendingSnapshot = snapshot;
  }

  /** Log compaction (Raft §7): drops the entries up to the snapshot's index. */
  compact(snapshot: Snapshot): void {
    if (snapshot.index <= this.snapshot.index) return;
    if (snapshot.index > this.applied) throw new Error(`compact ${snapshot.index} beyond applied ${this.applied}`);
    this.entries = this.entries.slice(snapshot.index - this.snapshot.index);
    this.snapshot = snapshot;
  }
}
