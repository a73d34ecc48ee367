/**
 * The "Raft live" session: five managers in one {@link SimCluster} on the main thread, the
 * contract trace hashed as it is written, and the faults and proposals a person can inject.
 * It is the in-process stand-in for the hub (one Web Worker per node comes with the playground).
 * Pure: no DOM, no wall clock; a {@link ClockDriver} or a test calls {@link RaftSession.advance}.
 *
 * The cluster is exactly `new SimCluster({ seed, timing, voters: RAFT_LIVE_HOSTNAMES, trace })`
 * and the hash is {@link MemoryTraceSink.digest} without `msg` events, so a Node process that
 * builds the same cluster and runs the same virtual time gets the same {@link RaftSession.traceHash}
 * (e2e/raft-live.spec.ts checks it).
 */
import { SimCluster } from '../../sim/cluster/SimCluster';
import { MemoryTraceSink, TeeTraceSink, type TraceEvent, type TraceSink } from '../../sim/core/trace';
import type { TimingName } from '../../sim/raft/presets';

/** The hostnames of the five managers, in creation order (Play-with-Docker naming). */
export const RAFT_LIVE_HOSTNAMES: readonly string[] = ['node1', 'node2', 'node3', 'node4', 'node5'];

/** How many role and fault events the session keeps for the on-page log. */
export const RECENT_EVENTS_MAX = 20;

/** Options of a {@link RaftSession}. */
export interface RaftSessionOptions {
  seed: number;
  timing: TimingName;
}

/** A role change or a fault, as the trace recorded it; `seq` numbers them from 1 in the session. */
export type RecentEvent = Extract<TraceEvent, { ev: 'role' } | { ev: 'fault' }> & { seq: number };

/** One node as plain data. `role` is `down` while the node is crashed (term and vote then come from its disk). */
export interface NodeSnapshot {
  hostname: string;
  kind: 'manager';
  up: boolean;
  /** Every link of the node is cut (Disconnect). */
  disconnected: boolean;
  role: 'follower' | 'candidate' | 'precandidate' | 'leader' | 'down';
  term: number;
  votedFor: string | null;
  /** The leader this node knows of. */
  leader: string | null;
  commit: number;
  applied: number;
  /** Index of the last log entry (the log's length, compacted entries included). */
  logLength: number;
  electionElapsedTicks: number;
  electionTimeoutTicks: number;
}

/** The last client command proposed from the page. */
export interface ProposalSnapshot {
  serial: number;
  /** The command as the trace describes it, e.g. `put x=3 #3`. */
  command: string;
  atMs: number;
  /** Where the leader appended it, or null when it was refused. */
  appended: { via: string; index: number; term: number } | null;
  /** Why it was refused (`not-leader` when there is no leader). */
  error: string | null;
  /** When the first manager applied it (it is committed), or null until then. */
  committedAtMs: number | null;
}

/** The whole session as plain data (what `window.__swarm.snapshot()` returns). */
export interface SessionSnapshot {
  seed: number;
  timing: TimingName;
  /** Virtual milliseconds per Raft tick (1 for paper, 1000 for swarm). */
  tickMs: number;
  nowMs: number;
  /** The live leader of the highest term, if any. */
  leader: string | null;
  nodes: NodeSnapshot[];
  /** The last {@link RECENT_EVENTS_MAX} role changes and faults, oldest first. */
  recent: RecentEvent[];
  proposal: ProposalSnapshot | null;
  /** The invariant violation or error that stopped the session, if any. */
  failure: string | null;
}

/** Keeps the last few role and fault events. */
class RecentEventsSink implements TraceSink {
  readonly events: RecentEvent[] = [];
  private seq = 0;
  emit(event: TraceEvent): void {
    if (event.ev !== 'role' && event.ev !== 'fault') return;
    this.events.push({ ...event, seq: ++this.seq });
    if (this.events.length > RECENT_EVENTS_MAX) this.events.shift();
  }
}

/** A five-manager Raft cluster driven from the page. */
export class RaftSession {
  readonly seed: number;
  readonly timing: TimingName;
  private readonly cluster: SimCluster;
  private readonly hashSink = new MemoryTraceSink({ includeMessages: false, keepLines: false });
  private readonly recentSink = new RecentEventsSink();
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private nextSerial = 1;
  private proposal: ProposalSnapshot | null = null;
  private failure: string | null = null;
  private cached: { version: number; snapshot: SessionSnapshot } | null = null;

  constructor(options: RaftSessionOptions) {
    this.seed = options.seed;
    this.timing = options.timing;
    this.cluster = new SimCluster({
      seed: options.seed,
      timing: options.timing,
      voters: [...RAFT_LIVE_HOSTNAMES],
      trace: new TeeTraceSink([this.hashSink, this.recentSink]),
    });
    this.cluster.applyListeners.push((_node, entry) => {
      const p = this.proposal;
      if (!p || p.committedAtMs !== null || entry.type !== 'normal') return;
      const data = entry.data as { serial?: unknown } | null;
      if (data?.serial === p.serial) p.committedAtMs = this.cluster.now();
    });
  }

  /** Changes whenever the session does (for `useSyncExternalStore`). */
  readonly getVersion = (): number => this.version;

  /** The snapshot of the current version, the same object until the next change (for `useSyncExternalStore`). */
  readonly current = (): SessionSnapshot => {
    if (this.cached?.version !== this.version) this.cached = { version: this.version, snapshot: this.snapshot() };
    return this.cached.snapshot;
  };

  /** Calls `listener` after every change; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Virtual milliseconds since the session started. */
  nowMs(): number {
    return this.cluster.now();
  }

  /** The invariant violation or error that stopped the session, if any. */
  failed(): string | null {
    return this.failure;
  }

  /**
   * Runs virtual time forward by `ms`. Returns false (and runs nothing) once the session has
   * failed; a checker firing during the run records the failure and stops it.
   */
  advance(ms: number): boolean {
    if (this.failure !== null) return false;
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance: ${ms} is not a duration in ms`);
    try {
      this.cluster.runFor(ms);
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
    this.changed();
    return this.failure === null;
  }

  /** Power loss on a node (its disk survives). */
  crash(hostname: string): void {
    this.act(() => this.cluster.crash(hostname));
  }

  /** Boots a crashed node from its disk. */
  restart(hostname: string): void {
    this.act(() => this.cluster.restart(hostname));
  }

  /** Cuts every link of a node. */
  disconnect(hostname: string): void {
    if (this.cluster.network.isIsolated(hostname)) return;
    this.act(() => this.cluster.isolate(hostname));
  }

  /** Restores a disconnected node's links. */
  reconnect(hostname: string): void {
    if (!this.cluster.network.isIsolated(hostname)) return;
    this.act(() => this.cluster.reconnect(hostname));
  }

  /** Proposes the next client command (`put x=N`) to the current leader. */
  propose(): ProposalSnapshot {
    const serial = this.nextSerial++;
    const via = this.cluster.leader();
    const proposal: ProposalSnapshot = {
      serial,
      command: `put x=${serial} #${serial}`,
      atMs: this.nowMs(),
      appended: null,
      error: null,
      committedAtMs: null,
    };
    // Set before proposing: the apply listener marks it committed.
    this.proposal = proposal;
    this.act(() => {
      const result = this.cluster.propose({ op: 'put', key: 'x', value: String(serial), serial });
      if (result.ok && via !== null) proposal.appended = { via, index: result.index, term: result.term };
      else proposal.error = result.ok ? 'no-leader' : result.error;
    });
    return { ...proposal };
  }

  /** {@link MemoryTraceSink.digest} of the session's trace so far, `msg` events excluded. */
  traceHash(): string {
    return this.hashSink.digest();
  }

  /** The session as plain data (a fresh object on every call). */
  snapshot(): SessionSnapshot {
    return {
      seed: this.seed,
      timing: this.timing,
      tickMs: this.cluster.timing.tickMs,
      nowMs: this.nowMs(),
      leader: this.cluster.leader(),
      nodes: RAFT_LIVE_HOSTNAMES.map((h) => this.nodeSnapshot(h)),
      recent: this.recentSink.events.map((e) => ({ ...e })),
      proposal: this.proposal ? { ...this.proposal, appended: this.proposal.appended && { ...this.proposal.appended } } : null,
      failure: this.failure,
    };
  }

  private nodeSnapshot(hostname: string): NodeSnapshot {
    const n = this.cluster.node(hostname);
    const disconnected = this.cluster.network.isIsolated(hostname);
    if (!n.raft) {
      const hs = n.storage.hardState;
      return {
        hostname,
        kind: 'manager',
        up: false,
        disconnected,
        role: 'down',
        term: hs.term,
        votedFor: hs.vote,
        leader: null,
        commit: hs.commit,
        applied: n.appliedIndex,
        logLength: n.storage.lastIndex(),
        electionElapsedTicks: 0,
        electionTimeoutTicks: 0,
      };
    }
    const s = n.raft.status();
    return {
      hostname,
      kind: 'manager',
      up: true,
      disconnected,
      role: s.role,
      term: s.term,
      votedFor: s.vote,
      leader: s.leader,
      commit: s.commit,
      applied: n.appliedIndex,
      logLength: s.lastIndex,
      electionElapsedTicks: s.electionElapsedTicks,
      electionTimeoutTicks: s.randomizedElectionTimeoutTicks,
    };
  }

  /** Runs an input to the cluster, catching a checker that fires during it. */
  private act(input: () => void): void {
    if (this.failure !== null) return;
    try {
      input();
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
