/**
 * The leader's view of one follower (etcd-raft's tracker.Progress): matchIndex and nextIndex
 * (Figure 2, "Volatile state on leaders") plus flow control — Probe (one append in flight until a
 * reply), Replicate (pipelined up to a window) and Snapshot (waiting for InstallSnapshot).
 */

/** The flow-control state of a follower's replication. */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** The leader's bookkeeping for one follower. */
export class Progress {
  /** Highest index known to be replicated on the follower (Figure 2: matchIndex). */
  match = 0;
  /** Index of the next entry to send (Figure 2: nextIndex). */
  next: number;
  state: ProgressState = 'probe';
  /** Probe: an append is in flight, so wait for its reply or the next heartbeat. */
  probeSent = false;
  /** Snapshot: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Whether the follower answered since the last CheckQuorum round. */
  recentActive = false;
  /** Replicate: the last index of each append in flight, oldest first. */
  inflights: number[] = [];

  constructor(next: number, private readonly maxInflight: number) {
    this.next = next;
  }

  /** Probe: find the follower's match one append at a time. */
  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  /** Replicate: stream appends optimistically. */
  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  /** Gives up on a snapshot that may have been lost: probe again from the known match. */
  abortSnapshot(): void {
    this.resetState('probe');
    this.next = this.match + 1;
  }

  /** Snapshot: the follower needs the snapshot at `snapshotIndex`. */
  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** Records an acknowledged index; returns true when match advanced. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * Handles a rejected append at `rejected` with the follower's hint; returns false when the
   * rejection is stale (already superseded), true when `next` moved back.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Records an append sent whose last entry is `lastIndex` (with or without entries). */
  sentEntries(lastIndex: number, entryCount: number): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflights.push(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /** Frees the in-flight appends acknowledged up to `index`. */
  freeInflightsUpTo(index: number): void {
    while (this.inflights.length > 0 && this.inflights[0]! <= index) this.inflights.shift();
  }

  /** True when no further append may be sent now. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.length >= this.maxInflight;
      case 'snapshot':
        return true;
    }
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights = [];
  }
}
