/**
 * An in-process cluster of Raft nodes on the simulated network, all driven by one scheduler:
 * the Node-test and headless host of the simulation core. It is the host of each RaftNode (it
 * ticks it, delivers its messages and handles its Ready: persist → send → apply → advance), injects
 * faults, writes the contract trace and runs the invariant checkers after every event.
 */
import { Rng } from '../core/Rng';
import { Scheduler, type EventId } from '../core/Scheduler';
import { nullTraceSink, type FaultKind, type TraceRole, type TraceSink } from '../core/trace';
import { SimNetwork, type Envelope, type LinkConditions } from '../net/SimNetwork';
import { MemoryStorage } from '../raft/MemoryStorage';
import { timingPreset, type TimingName, type TimingPreset } from '../raft/presets';
import { RaftNode, type ProposalResult, type RaftStatus } from '../raft/RaftNode';
import type { ConfChange, Entry, Message, RaftConfig, Ready, Snapshot } from '../raft/types';
import { chainNext, EMPTY_CHAIN, RaftInvariants } from './RaftInvariants';
import { describeEntry, KvStateMachine, type ReplicatedStateMachine } from './StateMachine';

/** Options of a {@link SimCluster}. */
export interface SimClusterOptions {
  /** Seed of every random choice in the run. */
  seed: number;
  /** Timing preset (default `swarm`). */
  timing?: TimingName | TimingPreset;
  /** Ids of the voters the cluster boots with. */
  voters: string[];
  /** Where trace events go. */
  trace?: TraceSink;
  /** Emit a `msg` trace event for every Raft message (default false). */
  traceMessages?: boolean;
  /** Overrides of the preset's Raft tunables for every node. */
  raft?: Partial<Omit<RaftConfig, 'id'>>;
  /** Overrides of the preset's link conditions. */
  link?: Partial<LinkConditions>;
  /** Compact a node's log after this many applied entries (swarmkit: 10000). */
  snapshotEveryEntries?: number;
  /** Run the invariant checkers after every event (default true). */
  checkInvariants?: boolean;
  /** Builds each node's state machine (default: {@link KvStateMachine}). */
  stateMachine?: () => ReplicatedStateMachine;
}

/** The data a cluster puts in a Raft snapshot: the state machine plus the log's hash chain. */
interface SnapshotData {
  state: unknown;
  chain: number;
  /** Members removed from the group so far (swarmkit keeps this list in its store). */
  removed: string[];
}

/** One simulated server: its disk survives a crash, everything else does not. */
export interface ClusterNode {
  readonly id: string;
  /** Managers run Raft; workers only exist as fault targets until the swarm layer runs on them. */
  readonly kind: 'manager' | 'worker';
  /** Stable storage (survives crash). */
  readonly storage: MemoryStorage;
  /** The running Raft node, or null while crashed. */
  raft: RaftNode | null;
  /** The volatile state machine (rebuilt from the snapshot on restart). */
  stateMachine: ReplicatedStateMachine;
  /** Whether the node is powered on. */
  up: boolean;
  /** Whether the node left the Raft group (applied its own removal). */
  left: boolean;
  /** The last index applied by the current incarnation's state machine. */
  appliedIndex: number;
  /** The node's own random stream (election timeouts). */
  readonly rng: Rng;
  tickEventId: EventId | null;
  readonly tickPhaseMs: number;
  lastRole: TraceRole | null;
  lastTerm: number;
  chainBase: { index: number; value: number };
  chains: number[];
  /** Ids this node has seen removed from the group (volatile: rebuilt from snapshot and log). */
  removedIds: Set<string>;
}

/** A cluster of Raft nodes on one scheduler and one simulated network. */
export class SimCluster {
  readonly scheduler = new Scheduler();
  readonly network: SimNetwork<Message>;
  readonly invariants = new RaftInvariants();
  readonly timing: TimingPreset;
  readonly rng: Rng;
  private readonly nodes = new Map<string, ClusterNode>();
  private readonly trace: TraceSink;
  private readonly raftConfig: Omit<RaftConfig, 'id'>;
  private readonly snapshotEvery: number;
  private readonly check: boolean;
  private readonly makeStateMachine: () => ReplicatedStateMachine;
  /** Observers of nodes leaving the Raft group (they applied or were told of their removal). */
  readonly leaveListeners: ((node: string) => void)[] = [];
  /** Observers of applied entries (clients waiting for their commands). */
  readonly applyListeners: ((node: string, entry: Entry) => void)[] = [];

  constructor(options: SimClusterOptions) {
    this.timing = typeof options.timing === 'object' ? options.timing : timingPreset(options.timing ?? 'swarm');
    this.rng = new Rng(options.seed);
    this.trace = options.trace ?? nullTraceSink;
    this.raftConfig = { ...this.timing.raft, ...options.raft };
    this.snapshotEvery = options.snapshotEveryEntries ?? 10_000;
    this.check = options.checkInvariants ?? true;
    this.makeStateMachine = options.stateMachine ?? (() => new KvStateMachine());
    this.network = new SimNetwork<Message>(this.scheduler, this.rng.fork('network'), {
      ...this.timing.link,
      ...options.link,
    });
    if (options.traceMessages) {
      this.network.observers.push({
        onSend: (e) => this.traceMessage(e),
        onDrop: (e) => this.traceMessage(e),
      });
    }
    for (const id of options.voters) this.addNode(id, MemoryStorage.bootstrap(options.voters));
  }

  // ---------------------------------------------------------------- membership of the simulation

  /**
   * Adds an instance that takes no part in Raft (a swarm worker): faults apply to it, but it has
   * no Raft node, so it emits no role events.
   */
  addWorker(id: string): ClusterNode {
    return this.addNode(id, new MemoryStorage(), 'worker');
  }

  /** Powers on a new node with the given storage (a bootstrap, or empty for a node about to join). */
  addNode(id: string, storage: MemoryStorage = new MemoryStorage(), kind: 'manager' | 'worker' = 'manager'): ClusterNode {
    if (this.nodes.has(id)) throw new Error(`node ${id} already exists`);
    const rng = this.rng.fork(`node:${id}`);
    const node: ClusterNode = {
      id,
      kind,
      storage,
      raft: null,
      stateMachine: this.makeStateMachine(),
      up: false,
      left: false,
      appliedIndex: 0,
      rng,
      tickEventId: null,
      tickPhaseMs: rng.intBetween(0, Math.max(0, this.timing.tickMs - 1)),
      lastRole: null,
      lastTerm: 0,
      chainBase: { index: 0, value: EMPTY_CHAIN },
      chains: [],
      removedIds: new Set(),
    };
    this.nodes.set(id, node);
    this.trace.emit({ t: this.now(), ev: 'instance', op: 'add', node: id });
    // A node that boots from a snapshot (the bootstrap configuration) applies from after it.
    if (kind === 'manager' && storage.snapshot.index > 0) {
      this.trace.emit({ t: this.now(), ev: 'snapshot', node: id, index: storage.snapshot.index, term: storage.snapshot.term });
    }
    this.boot(node);
    return node;
  }

  /** The ids of every node, in creation order. */
  nodeIds(): string[] {
    return [...this.nodes.keys()];
  }

  /** One node (throws for an unknown id). */
  node(id: string): ClusterNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`unknown node ${id}`);
    return n;
  }

  /** Virtual milliseconds since the run started. */
  now(): number {
    return this.scheduler.nowMs();
  }

  // ---------------------------------------------------------------- faults

  /** Power loss: volatile state is gone, the disk is kept. */
  crash(id: string): void {
    const n = this.node(id);
    if (!n.up) return;
    this.faultTrace('crash', [id]);
    if (n.kind === 'worker') {
      n.up = false;
      return;
    }
    if (n.raft?.currentRole === 'leader') this.invariants.leaderStopped(id, n.raft.currentTerm);
    n.up = false;
    n.raft = null;
    if (n.tickEventId !== null) this.scheduler.cancel(n.tickEventId);
    n.tickEventId = null;
    this.network.detach(id);
    n.lastRole = null;
  }

  /** Boots a crashed node from its disk. */
  restart(id: string): void {
    const n = this.node(id);
    if (n.up) return;
    if (n.kind === 'worker') this.faultTrace('restart', [id]);
    else this.faultTrace('restart', [id], n.storage.snapshot.index);
    this.boot(n);
  }

  /** Cuts every link of a node. */
  isolate(id: string): void {
    this.network.isolate(id);
    this.faultTrace('isolate', [id]);
  }

  /** Ends a node's isolation. */
  reconnect(id: string): void {
    this.network.reconnect(id);
    this.faultTrace('reconnect', [id]);
  }

  /** Splits the network into groups. */
  partition(groups: string[][]): void {
    this.network.partition(groups);
    this.trace.emit({ t: this.now(), ev: 'fault', kind: 'partition', nodes: groups.flat(), groups });
  }

  /** Ends every partition, isolation and loss. */
  heal(): void {
    this.network.heal();
    this.faultTrace('heal', []);
  }

  /** Loses this share of messages on every link (0 ends it). */
  setLoss(rate: number): void {
    this.network.setLoss(rate);
    this.trace.emit({ t: this.now(), ev: 'fault', kind: 'loss', nodes: [], rate });
  }

  // ---------------------------------------------------------------- client API

  /** The live leader of the highest term, if any. */
  leader(): string | null {
    let best: string | null = null;
    let bestTerm = -1;
    for (const n of this.nodes.values()) {
      if (n.up && !n.left && n.raft?.currentRole === 'leader' && n.raft.currentTerm > bestTerm) {
        best = n.id;
        bestTerm = n.raft.currentTerm;
      }
    }
    return best;
  }

  /** Proposes a command on a node (default: the current leader). */
  propose(data: unknown, via?: string): ProposalResult {
    return this.proposeOn(via, (raft) => raft.propose(data));
  }

  /** Proposes a membership change on a node (default: the current leader). */
  proposeConfChange(change: ConfChange, via?: string): ProposalResult {
    return this.proposeOn(via, (raft) => raft.proposeConfChange(change));
  }

  private proposeOn(via: string | undefined, proposal: (raft: RaftNode) => ProposalResult): ProposalResult {
    const id = via ?? this.leader();
    const n = id === null ? undefined : this.node(id);
    if (!n?.raft) return { ok: false, error: 'not-leader' };
    const result = proposal(n.raft);
    this.processReady(n);
    return result;
  }

  /** Forces a node's election timeout now. */
  campaign(id: string): void {
    const n = this.node(id);
    if (!n.raft) return;
    n.raft.campaign();
    this.processReady(n);
  }

  // ---------------------------------------------------------------- running

  /** Runs virtual time forward by `ms`. */
  runFor(ms: number): void {
    this.scheduler.runUntil(this.now() + ms, this.check ? () => this.assertNoViolation() : undefined);
  }

  /** Runs until `predicate` holds (checked after every event) or `maxMs` passes; returns whether it held. */
  runUntil(predicate: () => boolean, maxMs: number): boolean {
    const deadline = this.now() + maxMs;
    if (predicate()) return true;
    while (this.scheduler.peekMs() <= deadline) {
      this.scheduler.step();
      if (this.check) this.assertNoViolation();
      if (predicate()) return true;
    }
    this.scheduler.runUntil(deadline);
    return predicate();
  }

  /** The Raft status of every live node. */
  statuses(): RaftStatus[] {
    const out: RaftStatus[] = [];
    for (const n of this.nodes.values()) if (n.raft) out.push(n.raft.status());
    return out;
  }

  /** Live nodes that are still members of the Raft group. */
  liveMembers(): ClusterNode[] {
    return [...this.nodes.values()].filter((n) => n.kind === 'manager' && n.up && !n.left && n.raft !== null);
  }

  /**
   * The live members of the Raft group as the current leader sees it: live nodes that are voters
   * in the leader's configuration (a node removed while cut off may still run, but is not one).
   * Without a leader, every live node that has not left.
   */
  members(): ClusterNode[] {
    const leader = this.leader();
    if (!leader) return this.liveMembers();
    const voters = new Set(this.node(leader).raft!.status().voters);
    return this.liveMembers().filter((n) => voters.has(n.id));
  }

  /**
   * Liveness check after healing: one live leader in the highest term of its group, every live
   * voter of its configuration in that term with everything the leader committed applied, and
   * the leader's commit index reached in its own term.
   */
  converged(): boolean {
    const leaderId = this.leader();
    if (!leaderId) return false;
    const leader = this.node(leaderId).raft!;
    const members = this.members();
    const term = leader.currentTerm;
    if (members.some((n) => n.raft!.currentTerm !== term || (n.id !== leaderId && n.raft!.currentRole === 'leader'))) return false;
    const commit = leader.status().commit;
    if (leader.termAt(commit) !== term) return false;
    return members.every((n) => n.appliedIndex === commit);
  }

  /** One line per node (role, term, log and commit indexes), for failure reports. */
  describe(): string[] {
    return [...this.nodes.values()].map((n) => {
      if (n.kind === 'worker') return `${n.id}: worker ${n.up ? 'up' : 'down'}`;
      if (!n.raft) return `${n.id}: down (disk: term ${n.storage.hardState.term}, last index ${n.storage.lastIndex()})`;
      const s = n.raft.status();
      const flags = [n.left ? 'left' : '', this.network.isIsolated(n.id) ? 'isolated' : ''].filter(Boolean).join(' ');
      const progress = Object.entries(s.progress)
        .filter(([id]) => id !== n.id)
        .map(([id, p]) => `${id}=${p.state}:${p.match}/${p.next}`)
        .join(' ');
      return `${n.id}: ${s.role} term ${s.term} leader ${s.leader ?? '-'} last ${s.lastIndex}/${s.lastTerm} commit ${s.commit} applied ${n.appliedIndex} snapshot ${s.firstIndex - 1} voters [${s.voters.join(',')}]${flags ? ` ${flags}` : ''}${progress ? ` progress ${progress}` : ''}`;
    });
  }

  /** Throws when a checker recorded a violation (after every event in checked runs). */
  assertNoViolation(): void {
    if (this.invariants.violations.length > 0) {
      const v = this.invariants.violations[0]!;
      throw new InvariantError(`${v.invariant}: ${v.detail}`, v.invariant);
    }
  }

  // ---------------------------------------------------------------- hosting a RaftNode

  private boot(n: ClusterNode): void {
    n.up = true;
    n.left = false;
    if (n.kind === 'worker') return;
    n.raft = new RaftNode({ id: n.id, ...this.raftConfig }, n.storage, n.rng);
    // Volatile state machine: rebuilt from the snapshot on disk; committed entries replay after it.
    const snap = n.storage.snapshot;
    n.stateMachine = this.makeStateMachine();
    const data = snap.data as SnapshotData | null;
    n.stateMachine.restore(data?.state ?? null);
    n.removedIds = new Set(data?.removed ?? []);
    n.appliedIndex = snap.index;
    n.chainBase = { index: snap.index, value: data?.chain ?? EMPTY_CHAIN };
    n.chains = [];
    for (const e of n.storage.entries) n.chains.push(chainNext(this.chainAt(n, e.index - 1) ?? EMPTY_CHAIN, e.term, describeEntry(e)));
    n.lastRole = null;
    this.network.attach(n.id, (env) => this.deliver(n, env));
    this.traceRole(n);
    this.scheduleTick(n, true);
    this.processReady(n);
  }

  private scheduleTick(n: ClusterNode, first: boolean): void {
    const tickMs = this.timing.tickMs;
    const now = this.now();
    let at: number;
    if (first) {
      const base = Math.floor(now / tickMs) * tickMs + n.tickPhaseMs;
      at = base > now ? base : base + tickMs;
    } else at = now + tickMs;
    n.tickEventId = this.scheduler.at(at, () => {
      if (!n.raft) return;
      n.raft.tick();
      this.processReady(n);
      if (n.up) this.scheduleTick(n, false);
    });
  }

  private deliver(n: ClusterNode, env: Envelope<Message>): void {
    if (!n.raft) return;
    if (n.removedIds.has(env.from)) {
      this.refuseRemovedMember(n, env.from);
      return;
    }
    n.raft.step(env.payload);
    this.processReady(n);
  }

  /**
   * swarmkit's transport answers a message from a removed member with ErrMemberRemoved, and that
   * node then stops its Raft node: a manager removed while it was cut off learns it this way.
   */
  private refuseRemovedMember(n: ClusterNode, removedId: string): void {
    const latencyMs = this.network.getDefaults().latencyMsMin;
    this.scheduler.after(latencyMs, () => {
      const sender = this.nodes.get(removedId);
      if (!sender?.raft || sender.left || !this.network.canReach(n.id, removedId)) return;
      this.leave(sender);
    });
  }

  /** The Ready loop: persist → send → apply → advance (etcd-raft's contract). */
  processReady(n: ClusterNode): void {
    const raft = n.raft;
    if (!raft) return;
    while (raft.hasReady()) {
      const rd = raft.ready();
      this.persist(n, rd);
      for (const m of rd.messages) this.network.send(n.id, m.to, m.type, m);
      if (rd.snapshot) this.installSnapshot(n, rd.snapshot);
      for (const e of rd.committedEntries) this.applyEntry(n, e);
      raft.advance(rd);
      this.traceRole(n);
      if (!raft.isMember && !n.left) this.leave(n);
      this.maybeCompact(n);
    }
    this.traceRole(n);
    if (this.check && n.raft?.currentRole === 'leader') {
      const r = n.raft;
      this.invariants.observeLeaderLog(n.id, r.currentTerm, r.status().lastIndex, (i) => r.termAt(i));
    }
  }

  private persist(n: ClusterNode, rd: Ready): void {
    if (rd.snapshot) {
      n.storage.applySnapshot(rd.snapshot);
      const data = rd.snapshot.data as SnapshotData | null;
      n.chainBase = { index: rd.snapshot.index, value: data?.chain ?? EMPTY_CHAIN };
      n.chains = [];
    }
    if (rd.entries.length > 0) {
      n.storage.append(rd.entries);
      const from = rd.entries[0]!.index;
      n.chains.length = Math.max(0, from - n.chainBase.index - 1);
      for (const e of rd.entries) {
        const value = chainNext(this.chainAt(n, e.index - 1) ?? EMPTY_CHAIN, e.term, describeEntry(e));
        n.chains.push(value);
        if (this.check) this.invariants.observeStoredEntry(n.id, e.index, e.term, value);
      }
    }
    if (rd.hardState) {
      const before = n.storage.hardState.commit;
      n.storage.setHardState(rd.hardState);
      if (this.check && rd.hardState.commit > before) {
        this.invariants.observeCommit(n.id, rd.hardState.commit, this.chainAt(n, rd.hardState.commit));
      }
    }
  }

  private chainAt(n: ClusterNode, index: number): number | undefined {
    if (index === n.chainBase.index) return n.chainBase.value;
    if (index < n.chainBase.index) return undefined;
    return n.chains[index - n.chainBase.index - 1];
  }

  private installSnapshot(n: ClusterNode, snapshot: Snapshot): void {
    const data = snapshot.data as SnapshotData | null;
    n.stateMachine.restore(data?.state ?? null);
    n.removedIds = new Set(data?.removed ?? []);
    n.appliedIndex = snapshot.index;
    this.trace.emit({ t: this.now(), ev: 'snapshot', node: n.id, index: snapshot.index, term: snapshot.term });
  }

  private applyEntry(n: ClusterNode, e: Entry): void {
    if (e.index <= n.appliedIndex) return;
    const entry = describeEntry(e);
    n.stateMachine.apply(e);
    if (e.type === 'confChange') {
      if (e.change.op === 'removeVoter') n.removedIds.add(e.change.id);
      else n.removedIds.delete(e.change.id);
    }
    n.appliedIndex = e.index;
    this.trace.emit({ t: this.now(), ev: 'apply', node: n.id, index: e.index, term: e.term, entry });
    if (this.check) this.invariants.observeApply(n.id, e.index, e.term, entry);
    for (const l of this.applyListeners) l(n.id, e);
  }

  private maybeCompact(n: ClusterNode): void {
    const raft = n.raft;
    if (!raft) return;
    if (n.appliedIndex - raft.latestSnapshot().index < this.snapshotEvery) return;
    const chain = this.chainAt(n, n.appliedIndex);
    if (chain === undefined) return;
    const data: SnapshotData = { state: n.stateMachine.snapshot(), chain, removed: [...n.removedIds] };
    const snapshot = raft.compact(data);
    if (!snapshot) return;
    n.storage.compact(snapshot);
    n.chains = n.chains.slice(snapshot.index - n.chainBase.index);
    n.chainBase = { index: snapshot.index, value: chain };
  }

  private leave(n: ClusterNode): void {
    n.left = true;
    if (n.tickEventId !== null) this.scheduler.cancel(n.tickEventId);
    n.tickEventId = null;
    this.network.detach(n.id);
    this.trace.emit({ t: this.now(), ev: 'role', node: n.id, role: 'none', term: n.raft?.currentTerm ?? 0 });
    n.lastRole = 'none';
    for (const l of this.leaveListeners) l(n.id);
  }

  /** Deletes an instance for good ("Delete" in the playground, or a decommissioned manager). */
  deleteNode(id: string): void {
    const n = this.node(id);
    if (n.raft?.currentRole === 'leader') this.invariants.leaderStopped(id, n.raft.currentTerm);
    if (n.tickEventId !== null) this.scheduler.cancel(n.tickEventId);
    this.network.detach(id);
    n.up = false;
    n.raft = null;
    this.nodes.delete(id);
    this.trace.emit({ t: this.now(), ev: 'instance', op: 'delete', node: id });
  }

  private traceRole(n: ClusterNode): void {
    const r = n.raft;
    if (!r || n.left) return;
    const role = r.currentRole as TraceRole;
    const term = r.currentTerm;
    if (role === n.lastRole && term === n.lastTerm) return;
    if (n.lastRole === 'leader') this.invariants.leaderStopped(n.id, n.lastTerm);
    n.lastRole = role;
    n.lastTerm = term;
    this.trace.emit({ t: this.now(), ev: 'role', node: n.id, role, term });
    if (role === 'leader' && this.check) {
      const snapIndex = r.latestSnapshot().index;
      this.invariants.observeLeader(n.id, term, (i) => this.chainAt(n, i), snapIndex);
    }
  }

  private traceMessage(e: Envelope<Message>): void {
    this.trace.emit({
      t: this.now(),
      ev: 'msg',
      from: e.from,
      to: e.to,
      type: e.kind,
      term: e.payload.term,
      sentAtMs: e.sentAtMs,
      deliverAtMs: e.deliverAtMs,
      dropped: e.dropped,
    });
  }

  private faultTrace(kind: FaultKind, nodes: string[], appliedIndex?: number): void {
    this.trace.emit(
      appliedIndex === undefined
        ? { t: this.now(), ev: 'fault', kind, nodes }
        : { t: this.now(), ev: 'fault', kind, nodes, appliedIndex },
    );
  }
}

/** Thrown by a checked run when a Raft invariant is violated. */
export class InvariantError extends Error {
  constructor(
    message: string,
    readonly invariant: string,
  ) {
    super(message);
  }
}
