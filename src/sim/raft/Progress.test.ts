/**
 * Progress on its own: the leader's matchIndex/nextIndex for one follower (Figure 2) and etcd-raft's
 * flow-control states (probe, replicate, snapshot).
 */
import { describe, expect, it } from 'vitest';
import { Progress } from './Progress';

function progress(fields: Partial<Pick<Progress, 'match' | 'next' | 'state'>>, maxInflight = 3): Progress {
  const pr = new Progress(fields.next ?? 1, maxInflight);
  pr.match = fields.match ?? 0;
  if (fields.state === 'replicate') {
    pr.becomeReplicate();
    pr.next = fields.next ?? pr.next;
  }
  return pr;
}

describe('Progress', () => {
  it('an acknowledgement raises matchIndex and nextIndex, and an old one lowers neither (Figure 2)', () => {
    // Figure 2: "If successful: update nextIndex and matchIndex for follower."
    const pr = progress({ match: 3, next: 6 });
    expect(pr.maybeUpdate(2)).toBe(false);
    expect([pr.match, pr.next]).toEqual([3, 6]);
    expect(pr.maybeUpdate(7)).toBe(true);
    expect([pr.match, pr.next]).toEqual([7, 8]);
  });

  it('while probing, a refusal moves nextIndex back to the hint but never to or below matchIndex; stale refusals are ignored (§5.3)', () => {
    // Raft §5.3: "After a rejection, the leader decrements nextIndex and retries the AppendEntries
    // RPC" — here straight to the follower's hint.
    const table: Array<[number, number, number, number, boolean, number]> = [
      // match, next, rejected, hint → moved, next
      [0, 10, 9, 4, true, 5],
      [0, 10, 9, 20, true, 9], // a hint past the rejected index is capped at it
      [5, 10, 9, 2, true, 6], // never at or below match
      [0, 10, 5, 2, false, 10], // not the probe in flight (next − 1 = 9): stale
    ];
    for (const [match, next, rejected, hint, wantMoved, wantNext] of table) {
      const pr = progress({ match, next });
      pr.sentEntries(next - 1, 0);
      expect(pr.isPaused()).toBe(true);
      expect(pr.maybeDecrTo(rejected, hint), `${match} ${next} ${rejected} ${hint}`).toBe(wantMoved);
      expect(pr.next).toBe(wantNext);
      expect(pr.isPaused()).toBe(!wantMoved); // a fresh probe may go out after a real refusal
    }
  });

  it('while replicating, a refusal above matchIndex rewinds nextIndex to matchIndex + 1; one at or below it is stale (§5.3)', () => {
    // etcd-raft: in Replicate the leader streams optimistically; a refusal means the stream went
    // wrong, so it restarts from the last known match.
    const pr = progress({ match: 5, next: 9, state: 'replicate' });
    expect(pr.maybeDecrTo(5, 0)).toBe(false);
    expect(pr.next).toBe(9);
    expect(pr.maybeDecrTo(7, 0)).toBe(true);
    expect(pr.next).toBe(6);
  });

  it('flow control: a probe pauses after one append, replication after maxInflight appends, a snapshot until it is acknowledged (§5.3)', () => {
    // etcd-raft tracker: Probe keeps one append in flight, Replicate up to a window, Snapshot none.
    const probe = progress({ next: 1 });
    expect(probe.isPaused()).toBe(false);
    probe.sentEntries(3, 3);
    expect(probe.isPaused()).toBe(true);
    expect(probe.next).toBe(1); // a probe does not advance next optimistically

    const rep = progress({ match: 0, next: 1, state: 'replicate' }, 3);
    rep.sentEntries(2, 2);
    rep.sentEntries(4, 2);
    expect(rep.isPaused()).toBe(false);
    rep.sentEntries(6, 2);
    expect([rep.isPaused(), rep.next, rep.inflights]).toEqual([true, 7, [2, 4, 6]]);
    rep.sentEntries(6, 0); // an empty append is not counted
    expect(rep.inflights).toEqual([2, 4, 6]);
    rep.freeInflightsUpTo(4);
    expect([rep.isPaused(), rep.inflights]).toEqual([false, [6]]);

    const snap = progress({ match: 2, next: 3 });
    snap.becomeSnapshot(10);
    expect([snap.state, snap.isPaused(), snap.pendingSnapshot]).toEqual(['snapshot', true, 10]);
  });

  it('after a snapshot, probing resumes past the snapshot and replication from matchIndex + 1 (§7)', () => {
    // Raft §7 with etcd's states: once the follower holds the snapshot, the leader sends it the
    // entries after the snapshot's index.
    const pr = progress({ match: 2, next: 3 });
    pr.becomeSnapshot(10);
    pr.becomeProbe();
    expect([pr.state, pr.next, pr.pendingSnapshot]).toEqual(['probe', 11, 0]);

    const aborted = progress({ match: 2, next: 3 });
    aborted.becomeSnapshot(10);
    aborted.abortSnapshot(); // the snapshot may be lost: probe again from what is known
    expect([aborted.state, aborted.next]).toEqual(['probe', 3]);

    const acked = progress({ match: 2, next: 3 });
    acked.becomeSnapshot(10);
    acked.maybeUpdate(10);
    acked.becomeReplicate();
    expect([acked.state, acked.match, acked.next, acked.isPaused()]).toEqual(['replicate', 10, 11, false]);
  });
});
