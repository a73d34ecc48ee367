/**
 * A discrete-event scheduler over virtual time: a binary min-heap ordered by (atMs, seq), so
 * events at the same virtual time run in the order they were scheduled. It is the only source of
 * time inside `src/sim` (it implements {@link Clock}).
 */
import type { Clock } from './Clock';

/** A handle for a scheduled event, used to cancel it. */
export type EventId = number;

interface ScheduledEvent {
  atMs: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

/** Min-heap scheduler of callbacks at virtual times, in milliseconds. */
export class Scheduler implements Clock {
  private heap: ScheduledEvent[] = [];
  private bySeq = new Map<number, ScheduledEvent>();
  private nextSeq = 0;
  private now = 0;
  private executed = 0;

  /** Virtual milliseconds since the session started. */
  nowMs(): number {
    return this.now;
  }

  /** How many events have run so far (for benchmarks and loop guards). */
  get executedCount(): number {
    return this.executed;
  }

  /** How many events are still pending (cancelled ones excluded lazily). */
  get pendingCount(): number {
    return this.bySeq.size;
  }

  /** Schedules `run` at virtual time `atMs` (never earlier than now). */
  at(atMs: number, run: () => void): EventId {
    const ev: ScheduledEvent = { atMs: Math.max(atMs, this.now), seq: this.nextSeq++, run, cancelled: false };
    this.push(ev);
    this.bySeq.set(ev.seq, ev);
    return ev.seq;
  }

  /** Schedules `run` after `delayMs` of virtual time. */
  after(delayMs: number, run: () => void): EventId {
    return this.at(this.now + delayMs, run);
  }

  /** Cancels a pending event; cancelling an event that already ran does nothing. */
  cancel(id: EventId): void {
    const ev = this.bySeq.get(id);
    if (ev) {
      ev.cancelled = true;
      this.bySeq.delete(id);
    }
  }

  /** The virtual time of the next pending event, or `Infinity` when none is pending. */
  peekMs(): number {
    this.dropCancelledTop();
    return this.heap[0]?.atMs ?? Infinity;
  }

  /** Runs the next pending event, advancing virtual time to it. Returns false when none is left. */
  step(): boolean {
    this.dropCancelledTop();
    const ev = this.pop();
    if (!ev) return false;
    this.bySeq.delete(ev.seq);
    this.now = ev.atMs;
    this.executed++;
    ev.run();
    return true;
  }

  /**
   * Runs every event due at or before `untilMs`, then sets the clock to `untilMs`.
   * `afterEach` runs after every event (invariant checkers hook in here).
   */
  runUntil(untilMs: number, afterEach?: () => void): void {
    while (this.peekMs() <= untilMs) {
      this.step();
      afterEach?.();
    }
    if (untilMs > this.now) this.now = untilMs;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private push(ev: ScheduledEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): ScheduledEvent | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
