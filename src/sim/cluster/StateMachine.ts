/**
 * The replicated state machine a cluster applies committed entries to. Raft treats entry data
 * as opaque; a state machine gives it meaning, a one-line description for traces, and snapshots.
 */
import type { Entry } from '../raft/types';

/** A deterministic state machine fed with committed entries in index order. */
export interface ReplicatedStateMachine {
  /** Applies one committed entry (no-ops and membership changes included). */
  apply(entry: Entry): void;
  /** The state as plain data, for a Raft snapshot. */
  snapshot(): unknown;
  /** Replaces the state with a snapshot's data. */
  restore(data: unknown): void;
  /** A digest of the state, equal on every replica that applied the same entries. */
  digest(): string;
}

/** A client operation of the Raft-only runs: set a key to a value. */
export interface PutOp {
  op: 'put';
  key: string;
  value: string;
  /** The client's serial number (Raft §8: clients use unique serial numbers). */
  serial: number;
}

/** The deterministic one-line description of an entry that traces and checkers compare. */
export function describeEntry(entry: Entry): string {
  if (entry.type === 'confChange') return `conf ${entry.change.op === 'addVoter' ? 'add' : 'remove'} ${entry.change.id}`;
  if (entry.data === null || entry.data === undefined) return 'noop';
  const d = entry.data as Partial<PutOp> & { describe?: string };
  if (d.op === 'put') return `put ${d.key}=${d.value} #${d.serial}`;
  if (typeof d.describe === 'string') return d.describe;
  return JSON.stringify(entry.data);
}

/** A key-value map driven by {@link PutOp} entries (the state machine of the Raft-only runs). */
export class KvStateMachine implements ReplicatedStateMachine {
  private readonly map = new Map<string, string>();
  private count = 0;
  private readonly serials = new Set<number>();

  apply(entry: Entry): void {
    this.count++;
    if (entry.type !== 'normal' || entry.data === null) return;
    const op = entry.data as PutOp;
    if (op.op !== 'put') return;
    // Raft §8: a retried command with a serial already applied is not applied twice.
    if (this.serials.has(op.serial)) return;
    this.serials.add(op.serial);
    this.map.set(op.key, op.value);
  }

  snapshot(): unknown {
    return { entries: [...this.map.entries()], count: this.count, serials: [...this.serials] };
  }

  restore(data: unknown): void {
    this.map.clear();
    this.serials.clear();
    this.count = 0;
    if (!data) return;
    const d = data as { entries: [string, string][]; count: number; serials: number[] };
    for (const [k, v] of d.entries) this.map.set(k, v);
    for (const s of d.serials) this.serials.add(s);
    this.count = d.count;
  }

  digest(): string {
    const keys = [...this.map.keys()].sort();
    return keys.map((k) => `${k}=${this.map.get(k)}`).join(',');
  }

  /** The value of a key. */
  get(key: string): string | undefined {
    return this.map.get(key);
  }

  /** True when a client serial number has been applied. */
  hasApplied(serial: number): boolean {
    return this.serials.has(serial);
  }
}
