/**
 * The simulated network between node addresses. Every message becomes an {@link Envelope}
 * scheduled on the {@link Scheduler} at `deliverAtMs`; latency, loss, duplication and reordering
 * are drawn from the network's own seeded {@link Rng}. Isolation and partitions are checked both
 * when a message is sent and when it arrives, so a partition also cuts messages in flight.
 */
import type { Rng } from '../core/Rng';
import type { Scheduler } from '../core/Scheduler';

/** The conditions of one directed link (or the defaults for every link). */
export interface LinkConditions {
  /** Smallest one-way latency, in virtual milliseconds. */
  latencyMsMin: number;
  /** Largest one-way latency (inclusive), in virtual milliseconds. */
  latencyMsMax: number;
  /** Share of messages lost, 0..1. */
  lossRate: number;
  /** Share of messages delivered twice, 0..1. */
  duplicateRate: number;
  /** Share of messages held back by an extra delay, so later messages overtake them, 0..1 (otherwise each link is FIFO). */
  reorderRate: number;
  /** The largest extra delay of a held-back message, in virtual milliseconds. */
  reorderDelayMsMax: number;
}

/** A message on the wire. */
export interface Envelope<P> {
  /** A sequence number unique within the network. */
  id: number;
  from: string;
  to: string;
  /** The message type (e.g. `AppendEntries`), for traces and views. */
  kind: string;
  payload: P;
  sentAtMs: number;
  deliverAtMs: number;
  /** True when the network lost the message (at send or in flight). */
  dropped: boolean;
  /** True for the second copy of a duplicated message. */
  duplicate: boolean;
}

/** Default LAN conditions: 1–3 ms latency, no loss or duplication; links are FIFO unless reorderRate > 0. */
export const lanConditions: LinkConditions = {
  latencyMsMin: 1,
  latencyMsMax: 3,
  lossRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  reorderDelayMsMax: 0,
};

/** Receives a delivered envelope. */
export type DeliverFn<P> = (envelope: Envelope<P>) => void;

/** Observes envelopes: `send` once per envelope (duplicates included), `drop` when one is lost in flight. */
export interface NetworkObserver<P> {
  onSend?(envelope: Envelope<P>): void;
  onDrop?(envelope: Envelope<P>): void;
  onDeliver?(envelope: Envelope<P>): void;
}

/** A deterministic simulated network. */
export class SimNetwork<P> {
  private readonly handlers = new Map<string, DeliverFn<P>>();
  private readonly linkOverrides = new Map<string, Partial<LinkConditions>>();
  private readonly isolated = new Set<string>();
  private groupOf: Map<string, number> | null = null;
  private extraLossRate = 0;
  private nextId = 1;
  private readonly lastDeliverAtMs = new Map<string, number>();
  private readonly inFlightById = new Map<number, { envelope: Envelope<P>; eventId: number }>();
  /** Observers notified of every send, drop and delivery. */
  readonly observers: NetworkObserver<P>[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
    private defaults: LinkConditions = lanConditions,
  ) {}

  /** Registers the receiver at `address`; messages to an unattached address are lost on arrival. */
  attach(address: string, deliver: DeliverFn<P>): void {
    this.handlers.set(address, deliver);
  }

  /** Removes the receiver at `address` (a crashed or deleted node). */
  detach(address: string): void {
    this.handlers.delete(address);
  }

  /** Replaces the default conditions of every link. */
  setDefaults(conditions: LinkConditions): void {
    this.defaults = conditions;
  }

  /** The default conditions of every link. */
  getDefaults(): LinkConditions {
    return this.defaults;
  }

  /** Overrides the conditions of the directed link `from → to` (pass undefined to clear). */
  setLink(from: string, to: string, conditions: Partial<LinkConditions> | undefined): void {
    if (conditions) this.linkOverrides.set(`${from}>${to}`, conditions);
    else this.linkOverrides.delete(`${from}>${to}`);
  }

  /** Drops this extra share (0..1) of messages on every link; 0 ends it. */
  setLoss(rate: number): void {
    this.extraLossRate = Math.min(1, Math.max(0, rate));
  }

  /** The current extra loss rate on every link. */
  get lossRate(): number {
    return this.extraLossRate;
  }

  /** Cuts every link to and from `address`. */
  isolate(address: string): void {
    this.isolated.add(address);
  }

  /** Ends the isolation of `address`. */
  reconnect(address: string): void {
    this.isolated.delete(address);
  }

  /** True when `address` is isolated. */
  isIsolated(address: string): boolean {
    return this.isolated.has(address);
  }

  /**
   * Splits the network into groups that cannot reach each other. Addresses named in no group
   * form one more group together.
   */
  partition(groups: string[][]): void {
    const map = new Map<string, number>();
    groups.forEach((g, i) => g.forEach((a) => map.set(a, i + 1)));
    this.groupOf = map;
  }

  /** The current partition groups, or null when the network is whole. */
  get partitionGroups(): ReadonlyMap<string, number> | null {
    return this.groupOf;
  }

  /** Ends every partition and isolation and the extra loss. */
  heal(): void {
    this.groupOf = null;
    this.isolated.clear();
    this.extraLossRate = 0;
  }

  /** True when a message from `from` can currently reach `to`. */
  canReach(from: string, to: string): boolean {
    if (from === to) return true;
    if (this.isolated.has(from) || this.isolated.has(to)) return false;
    if (this.groupOf) return (this.groupOf.get(from) ?? 0) === (this.groupOf.get(to) ?? 0);
    return true;
  }

  /** The envelopes currently in flight, in send order (for views). */
  inFlight(): Envelope<P>[] {
    return [...this.inFlightById.values()].map((f) => f.envelope);
  }

  /** Loses one message in flight (RaftScope's "drop"); returns false when it is not in flight. */
  dropInFlight(id: number): boolean {
    const f = this.inFlightById.get(id);
    if (!f) return false;
    this.scheduler.cancel(f.eventId);
    this.inFlightById.delete(id);
    f.envelope.dropped = true;
    for (const o of this.observers) o.onDrop?.(f.envelope);
    return true;
  }

  /** Sends a message; returns its envelope (already marked dropped when the network lost it). */
  send(from: string, to: string, kind: string, payload: P): Envelope<P> {
    const c = this.conditions(from, to);
    const envelope = this.makeEnvelope(from, to, kind, payload, c, false);
    const lost = !this.canReach(from, to) || this.rng.chance(Math.min(1, c.lossRate + this.extraLossRate));
    if (lost) envelope.dropped = true;
    for (const o of this.observers) o.onSend?.(envelope);
    if (!lost) {
      this.schedule(envelope);
      if (this.rng.chance(c.duplicateRate)) {
        const copy = this.makeEnvelope(from, to, kind, payload, c, true);
        for (const o of this.observers) o.onSend?.(copy);
        this.schedule(copy);
      }
    }
    return envelope;
  }

  private conditions(from: string, to: string): LinkConditions {
    const o = this.linkOverrides.get(`${from}>${to}`);
    return o ? { ...this.defaults, ...o } : this.defaults;
  }

  private makeEnvelope(from: string, to: string, kind: string, payload: P, c: LinkConditions, duplicate: boolean): Envelope<P> {
    const now = this.scheduler.nowMs();
    const latency = this.rng.intBetween(c.latencyMsMin, c.latencyMsMax);
    let deliverAtMs = now + latency;
    if (this.rng.chance(c.reorderRate)) {
      // Held back: later messages on the link overtake this one.
      deliverAtMs += this.rng.intBetween(1, Math.max(1, c.reorderDelayMsMax));
    } else {
      // A link is FIFO like the TCP stream it models: never delivered before an earlier message.
      const key = `${from}>${to}`;
      deliverAtMs = Math.max(deliverAtMs, this.lastDeliverAtMs.get(key) ?? 0);
      this.lastDeliverAtMs.set(key, deliverAtMs);
    }
    return { id: this.nextId++, from, to, kind, payload, sentAtMs: now, deliverAtMs, dropped: false, duplicate };
  }

  private schedule(envelope: Envelope<P>): void {
    const eventId = this.scheduler.at(envelope.deliverAtMs, () => this.deliver(envelope));
    this.inFlightById.set(envelope.id, { envelope, eventId });
  }

  private deliver(envelope: Envelope<P>): void {
    this.inFlightById.delete(envelope.id);
    const handler = this.handlers.get(envelope.to);
    if (!handler || !this.canReach(envelope.from, envelope.to)) {
      envelope.dropped = true;
      for (const o of this.observers) o.onDrop?.(envelope);
      return;
    }
    for (const o of this.observers) o.onDeliver?.(envelope);
    handler(envelope);
  }
}
