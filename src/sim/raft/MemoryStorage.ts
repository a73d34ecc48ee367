/**
 * A node's stable storage ("disk"): hard state, the latest snapshot and the log after it. It
 * survives a crash; everything else of a RaftNode is volatile. The host writes to it from each
 * Ready before sending that Ready's messages.
 */
import type { ConfState, Entry, HardState, Snapshot } from './types';

/** Durable Raft state that survives crash and restart. */
export class MemoryStorage {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  snapshot: Snapshot;
  entries: Entry[] = [];

  constructor(conf: ConfState = { voters: [] }) {
    this.snapshot = { index: 0, term: 0, conf: { voters: conf.voters.slice() }, data: null };
  }

  /**
   * Storage for a node that boots a new cluster with these voters: the configuration is a
   * committed snapshot at index 1, term 1 (etcd writes it into the log for the same reason). A
   * server that joins later with empty storage then fails the consistency check at index 1 and is
   * sent that snapshot, so it learns the whole configuration instead of replaying membership
   * changes onto an empty one (which would let it believe it is a cluster of one).
   *
   * `new MemoryStorage(conf)` keeps the configuration at index 0 instead; unit tests use it, and
   * a joiner of such a cluster must be given the same initial configuration.
   */
  static bootstrap(voters: string[]): MemoryStorage {
    const storage = new MemoryStorage();
    storage.snapshot = { index: 1, term: 1, conf: { voters: voters.slice() }, data: null };
    storage.hardState = { term: 1, vote: null, commit: 1 };
    return storage;
  }

  /** The index of the last stored entry. */
  lastIndex(): number {
    return this.snapshot.index + this.entries.length;
  }

  /** Writes entries; an entry at an index already stored replaces it and every later one. */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const from = entries[0]!.index;
    const keep = Math.max(0, from - this.snapshot.index - 1);
    if (keep < this.entries.length) this.entries.length = keep;
    if (from !== this.lastIndex() + 1) throw new Error(`storage append at ${from} after ${this.lastIndex()}`);
    this.entries.push(...entries);
  }

  /** Records the hard state. */
  setHardState(hardState: HardState): void {
    this.hardState = { ...hardState };
  }

  /** Replaces everything with a snapshot received from the leader. */
  applySnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.entries = [];
    if (this.hardState.commit < snapshot.index) this.hardState = { ...this.hardState, commit: snapshot.index };
  }

  /** Log compaction: keeps the snapshot and drops the entries it covers. */
  compact(snapshot: Snapshot): void {
    if (snapshot.index <= this.snapshot.index) return;
    this.entries = this.entries.slice(snapshot.index - this.snapshot.index);
    this.snapshot = snapshot;
  }

  /** Bytes-free size measure: how many entries are stored. */
  get entryCount(): number {
    return this.entries.length;
  }
}
