/**
 * The JSONL trace of contracts.md §3: one event per line, in virtual-time order. Events are
 * plain objects whose key order is fixed by the code that builds them, so the same run always
 * serialises to the same bytes.
 */

/** A Raft role as the trace names it; `none` means the node left the Raft group. */
export type TraceRole = 'follower' | 'candidate' | 'precandidate' | 'leader' | 'none';

/** The kinds of fault the trace records. */
export type FaultKind = 'crash' | 'restart' | 'isolate' | 'reconnect' | 'partition' | 'heal' | 'loss';

/** One trace event. `t` is virtual milliseconds since the session started. */
export type TraceEvent =
  | { t: number; ev: 'instance'; op: 'add' | 'delete'; node: string; ip?: string }
  | { t: number; ev: 'role'; node: string; role: TraceRole; term: number; leader?: string }
  | { t: number; ev: 'apply'; node: string; index: number; term: number; entry: string }
  | { t: number; ev: 'snapshot'; node: string; index: number; term: number }
  | {
      t: number;
      ev: 'fault';
      kind: FaultKind;
      nodes: string[];
      appliedIndex?: number;
      groups?: string[][];
      rate?: number;
    }
  | {
      t: number;
      ev: 'msg';
      from: string;
      to: string;
      type: string;
      term: number;
      sentAtMs: number;
      deliverAtMs: number;
      dropped: boolean;
    };

/** Where trace events go. Implementations must not reorder events. */
export interface TraceSink {
  /** Records one event. */
  emit(event: TraceEvent): void;
}

/** A sink that drops everything (the default when no trace is wanted). */
export const nullTraceSink: TraceSink = { emit: () => {} };

/**
 * A sink that keeps the serialised lines in memory and a running hash of them.
 * `includeMessages` false skips `msg` events (they dominate long runs) from both.
 */
export class MemoryTraceSink implements TraceSink {
  /** The JSONL lines recorded so far (without trailing newlines). */
  readonly lines: string[] = [];
  private readonly hash = new TraceHash();

  constructor(private readonly options: { includeMessages?: boolean; keepLines?: boolean } = {}) {}

  emit(event: TraceEvent): void {
    if (event.ev === 'msg' && this.options.includeMessages === false) return;
    const line = JSON.stringify(event);
    this.hash.update(line);
    if (this.options.keepLines !== false) this.lines.push(line);
  }

  /** A hex digest of every line recorded so far. */
  digest(): string {
    return this.hash.digest();
  }

  /** The whole trace as JSONL text (each line ends with a newline). */
  text(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }
}

/** Forwards every event to several sinks, in order. */
export class TeeTraceSink implements TraceSink {
  constructor(private readonly sinks: TraceSink[]) {}
  emit(event: TraceEvent): void {
    for (const s of this.sinks) s.emit(event);
  }
}

/**
 * An incremental 64-bit FNV-1a style hash over trace lines (two 32-bit lanes), identical on every
 * host. Each line is hashed followed by a newline, so it equals the hash of the JSONL text.
 */
export class TraceHash {
  private h1 = 0x811c9dc5;
  private h2 = 0x050c5d1f;

  /** Adds one line (a newline is appended). */
  update(line: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i <= line.length; i++) {
      const c = i < line.length ? line.charCodeAt(i) : 10;
      h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ c, 0x01000193 ^ 0x5bd1e995) >>> 0;
      h2 = (h2 ^ (h1 >>> 15)) >>> 0;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** 16 hex digits. */
  digest(): string {
    return this.h2.toString(16).padStart(8, '0') + this.h1.toString(16).padStart(8, '0');
  }
}
