/**
 * A test kit for the Raft core, after etcd-raft's `raft_paper_test.go` helpers and `newNetwork`:
 * build a {@link RaftNode} from a {@link MemoryStorage} holding a given hard state and log, drain
 * its Ready batches, and run several nodes on {@link SyncNetwork}, a synchronous in-memory network
 * that delivers messages in FIFO order until the cluster is quiescent. Pure TypeScript with no
 * Node or DOM APIs, so tests beside the code and scripted scenario tests can share it.
 */
import { Rng } from '../core/Rng';
import { MemoryStorage } from './MemoryStorage';
import { type ProposalResult, RaftNode } from './RaftNode';
import type { ConfChange, ConfState, Entry, Message, MessageType, RaftConfig, RaftId, Ready, Snapshot } from './types';

/** The election timeout of test nodes, in ticks, unless a test asks otherwise (etcd's tests use 10). */
export const TEST_ELECTION_TICKS = 10;
/** The heartbeat interval of test nodes, in ticks, unless a test asks otherwise. */
export const TEST_HEARTBEAT_TICKS = 1;

/** How to build a test node: its durable state (as found in storage) and its tunables. */
export interface NodeOptions {
  /** Stored current term (default 0). */
  term?: number;
  /** Stored vote (default none). */
  vote?: RaftId | null;
  /** Stored commit index (default 0, or the snapshot's index). */
  commit?: number;
  /** Stored log entries; they must follow the snapshot's index without a gap (see {@link entries}). */
  entries?: Entry[];
  /** Stored snapshot; its `conf` defaults to the node's voters, its `data` to null. */
  snapshot?: { index: number; term: number; conf?: ConfState; data?: unknown };
  /** Run a PreVote round before each election (default false). */
  preVote?: boolean;
  /** Enable CheckQuorum and the vote lease (default false, as in etcd's paper tests). */
  checkQuorum?: boolean;
  /**
   * Smallest election timeout, in ticks (default {@link TEST_ELECTION_TICKS}). As in etcd, the
   * randomized timeout is drawn from [electionTicks, 2 × electionTicks − 1] unless
   * `electionTicksMax` says otherwise.
   */
  electionTicks?: number;
  /** Largest randomized election timeout, in ticks (inclusive). */
  electionTicksMax?: number;
  /** Heartbeat interval, in ticks (default {@link TEST_HEARTBEAT_TICKS}). */
  heartbeatTicks?: number;
  /** The most entries per AppendEntries (default unlimited for tests: 1000). */
  maxEntriesPerMessage?: number;
  /** The most AppendEntries in flight per follower (default 256). */
  maxInflightMessages?: number;
  /** Seed of the node's random stream (default 1); the stream is forked by node id. */
  seed?: number;
}

/** Normal entries with these terms at indexes 1, 2, 3, … (etcd's `index(i).terms(...)`). */
export function entries(...terms: number[]): Entry[] {
  return entriesFrom(1, ...terms);
}

/** Normal entries with these terms at indexes `first`, `first + 1`, … (for logs after a snapshot). */
export function entriesFrom(first: number, ...terms: number[]): Entry[] {
  return terms.map((term, i) => entry(first + i, term));
}

/** One normal entry (`data` defaults to null, which is also what a leader's no-op carries). */
export function entry(index: number, term: number, data: unknown = null): Entry {
  return { index, term, type: 'normal', data };
}

/** The (index, term) pairs of some entries, for compact assertions: `[[1, 1], [2, 3]]`. */
export function indexTerms(list: readonly Entry[]): Array<[number, number]> {
  return list.map((e) => [e.index, e.term]);
}

/** The Raft configuration of a test node. */
export function testConfig(id: RaftId, options: NodeOptions = {}): RaftConfig {
  const election = options.electionTicks ?? TEST_ELECTION_TICKS;
  return {
    id,
    heartbeatTicks: options.heartbeatTicks ?? TEST_HEARTBEAT_TICKS,
    electionTimeoutTicksMin: election,
    electionTimeoutTicksMax: options.electionTicksMax ?? 2 * election - 1,
    checkQuorum: options.checkQuorum ?? false,
    preVote: options.preVote ?? false,
    maxEntriesPerMessage: options.maxEntriesPerMessage ?? 1000,
    maxInflightMessages: options.maxInflightMessages ?? 256,
  };
}

/** Stable storage holding the given durable state for a cluster of `voters`. */
export function newStorage(voters: RaftId[], options: NodeOptions = {}): MemoryStorage {
  const storage = new MemoryStorage({ voters });
  if (options.snapshot) {
    const s = options.snapshot;
    storage.snapshot = {
      index: s.index,
      term: s.term,
      conf: { voters: (s.conf?.voters ?? voters).slice() },
      data: s.data ?? null,
    };
  }
  storage.append(options.entries ?? []);
  storage.setHardState({
    term: options.term ?? 0,
    vote: options.vote ?? null,
    commit: Math.max(options.commit ?? 0, storage.snapshot.index),
  });
  return storage;
}

/** A RaftNode booted from existing stable storage (a restart after a crash, or a fresh bootstrap). */
export function nodeFromStorage(id: RaftId, storage: MemoryStorage, options: NodeOptions = {}): RaftNode {
  return new RaftNode(testConfig(id, options), storage, new Rng(options.seed ?? 1).fork(id));
}

/**
 * A RaftNode `id` in a cluster of `voters`, booted from storage holding `options`' hard state,
 * snapshot and log (etcd's `newTestRaft` + `loadState`). The storage is discarded; use
 * {@link newStorage} and {@link nodeFromStorage} when a test needs it.
 */
export function newNode(id: RaftId, voters: RaftId[], options: NodeOptions = {}): RaftNode {
  return nodeFromStorage(id, newStorage(voters, options), options);
}

/** Writes a Ready's snapshot, entries and hard state to storage, in that order (step 1 of the Ready loop). */
export function persistReady(storage: MemoryStorage, rd: Ready): void {
  if (rd.snapshot) storage.applySnapshot(rd.snapshot);
  storage.append(rd.entries);
  if (rd.hardState) storage.setHardState(rd.hardState);
}

/** Everything a node handed out over one or more Ready batches. */
export interface Drained {
  messages: Message[];
  /** Entries handed out for stable storage, in order (a later batch may overwrite an earlier one's suffix). */
  entries: Entry[];
  committedEntries: Entry[];
  snapshots: Snapshot[];
}

/**
 * Runs the Ready loop until the node has nothing more: persists each batch to `storage` when
 * given, collects it, and acknowledges it with `advance` (which also applies committed
 * membership changes). Returns everything collected.
 */
export function drainReady(node: RaftNode, storage?: MemoryStorage): Drained {
  const out: Drained = { messages: [], entries: [], committedEntries: [], snapshots: [] };
  for (let guard = 0; node.hasReady(); guard++) {
    if (guard > 1000) throw new Error(`drainReady: ${node.id} never stops being ready`);
    const rd = node.ready();
    if (storage) persistReady(storage, rd);
    out.messages.push(...rd.messages);
    out.entries.push(...rd.entries);
    out.committedEntries.push(...rd.committedEntries);
    if (rd.snapshot) out.snapshots.push(rd.snapshot);
    node.advance(rd);
  }
  return out;
}

/** The messages a node wants sent now, after running its Ready loop (see {@link drainReady}). */
export function drainMessages(node: RaftNode, storage?: MemoryStorage): Message[] {
  return drainReady(node, storage).messages;
}

/**
 * Makes a node leader in a unit test (etcd's `becomeCandidate` + `becomeLeader`): it campaigns
 * and every other voter grants its (pre-)vote. Throws when the node cannot campaign. Returns what
 * the node's Ready loop produced once leader (among it, the AppendEntries of its no-op).
 */
export function elect(node: RaftNode, storage?: MemoryStorage): Drained {
  node.campaign();
  for (let round = 0; round < 2 && node.currentRole !== 'leader'; round++) {
    for (const m of drainReady(node, storage).messages) {
      if (m.type !== 'PreVote' && m.type !== 'RequestVote') continue;
      const type = m.type === 'PreVote' ? 'PreVoteResponse' : 'RequestVoteResponse';
      node.step({ type, from: m.to, to: node.id, term: m.term, index: 0, logTerm: 0 });
    }
  }
  if (node.currentRole !== 'leader') throw new Error(`elect: ${node.id} did not become leader`);
  return drainReady(node, storage);
}

/** A message with `index`/`logTerm` defaulting to 0, for stepping into a node. */
export function msg(m: Pick<Message, 'type' | 'from' | 'to' | 'term'> & Partial<Message>): Message {
  return { index: 0, logTerm: 0, ...m };
}

/** Ticks a node `times` times (no Ready handling). */
export function tickN(node: RaftNode, times: number): void {
  for (let i = 0; i < times; i++) node.tick();
}

/**
 * One line describing a message, in the spirit of etcd's interaction tests:
 * `a->b AppendEntries Term:2 Log:1/3 Commit:3 Entries:[2/4 2/5]`.
 */
export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.commit !== undefined) s += ` Commit:${m.commit}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint ?? 0})`;
  if (m.entries && m.entries.length > 0) s += ` Entries:[${m.entries.map((e) => `${e.term}/${e.index}`).join(' ')}]`;
  if (m.snapshot) s += ` Snapshot:${m.snapshot.term}/${m.snapshot.index}`;
  return s;
}

/** One server hosted by a {@link SyncNetwork}: its disk, its running node and its state machine. */
export interface Peer {
  readonly id: RaftId;
  /** Stable storage; survives {@link SyncNetwork.crash}. */
  readonly storage: MemoryStorage;
  /** The running node, or null while crashed. */
  node: RaftNode | null;
  /** The options the node is (re)built with. */
  options: NodeOptions;
  /** Entries applied to the state machine since the node last booted, in order. */
  applied: Entry[];
  /** Snapshots installed into the state machine since the node last booted. */
  installedSnapshots: Snapshot[];
  /** The index the state machine has reached. */
  appliedIndex: number;
}

/** A message some node emitted, and whether the network dropped it. */
export interface SentMessage {
  message: Message;
  dropped: boolean;
}

/**
 * A synchronous in-memory network of RaftNodes (etcd-raft's `newNetwork`). {@link send} and every
 * other input run each affected node's Ready loop — persist to its MemoryStorage, apply committed
 * entries, advance — and deliver the resulting messages in FIFO order until no message is left.
 * Faults: {@link isolate}, {@link cut}, {@link drop}, {@link ignore}, a {@link msgHook}, and
 * {@link crash}/{@link restart}; {@link recover} heals the network ones. Deterministic: the only
 * randomness (partial drop rates and election timeouts) comes from seeded streams.
 */
export class SyncNetwork {
  /** The hosted servers by id. */
  readonly peers = new Map<RaftId, Peer>();
  /** Every message emitted since the network was built, in emission order. */
  readonly sent: SentMessage[] = [];
  /** When set, a message for which it returns false is dropped. */
  msgHook: ((m: Message) => boolean) | null = null;
  /** The most deliveries one drain may make before it is declared a livelock. */
  maxDeliveries = 100_000;

  private readonly queue: Message[] = [];
  private readonly dropRates = new Map<string, number>();
  private readonly isolated = new Set<RaftId>();
  private readonly ignored = new Set<MessageType>();
  private readonly rng: Rng;

  /**
   * Boots a fresh cluster of `voters`, every node with storage built from `options` (so a shared
   * log or term can be given), and ticks nothing: call {@link campaign} to elect a leader.
   */
  constructor(voters: RaftId[], options: NodeOptions = {}) {
    this.rng = new Rng(options.seed ?? 1).fork('network');
    for (const id of voters) this.add(id, newStorage(voters, options), options);
  }

  /** Hosts another server on existing storage (e.g. `new MemoryStorage()` for a node about to join). */
  add(id: RaftId, storage: MemoryStorage, options: NodeOptions = {}): Peer {
    if (this.peers.has(id)) throw new Error(`SyncNetwork: ${id} already exists`);
    const peer: Peer = {
      id,
      storage,
      node: null,
      options,
      applied: [],
      installedSnapshots: [],
      appliedIndex: 0,
    };
    this.peers.set(id, peer);
    this.boot(peer);
    this.drain();
    return peer;
  }

  /** The server `id`. */
  peer(id: RaftId): Peer {
    const p = this.peers.get(id);
    if (!p) throw new Error(`SyncNetwork: no peer ${id}`);
    return p;
  }

  /** The running node `id` (throws while it is crashed). */
  node(id: RaftId): RaftNode {
    const n = this.peer(id).node;
    if (!n) throw new Error(`SyncNetwork: ${id} is crashed`);
    return n;
  }

  /** The stable storage of server `id`. */
  storage(id: RaftId): MemoryStorage {
    return this.peer(id).storage;
  }

  /** The running nodes that believe they lead, in peer order (after a partition, stale ones too). */
  leaders(): RaftId[] {
    const out: RaftId[] = [];
    for (const p of this.peers.values()) if (p.node?.currentRole === 'leader') out.push(p.id);
    return out;
  }

  /** The running leader of the highest term, or null when no node leads. */
  leader(): RaftId | null {
    let best: RaftNode | null = null;
    for (const p of this.peers.values()) {
      const n = p.node;
      if (n?.currentRole === 'leader' && (best === null || n.currentTerm > best.currentTerm)) best = n;
    }
    return best?.id ?? null;
  }

  /** Steps messages into the network and delivers until quiescent. */
  send(...messages: Message[]): void {
    for (const m of messages) this.enqueue(m);
    this.drain();
  }

  /** Runs the Ready loop of every running node and delivers until quiescent. */
  stabilize(): void {
    for (const p of this.peers.values()) this.processReady(p);
    this.drain();
  }

  /** Ticks node `id` `times` times, delivering everything after each tick. */
  tick(id: RaftId, times = 1): void {
    for (let i = 0; i < times; i++) {
      const p = this.peer(id);
      if (!p.node) return;
      p.node.tick();
      this.processReady(p);
      this.drain();
    }
  }

  /** Ticks every running node once per round (in insertion order), delivering after each round. */
  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const p of this.peers.values()) {
        if (!p.node) continue;
        p.node.tick();
        this.processReady(p);
      }
      this.drain();
    }
  }

  /** Makes node `id` start an election now (etcd's MsgHup) and delivers until quiescent. */
  campaign(id: RaftId): void {
    this.node(id).campaign();
    this.stabilize();
  }

  /** Proposes a command at node `id` and delivers until quiescent. */
  propose(id: RaftId, data: unknown): ProposalResult {
    const r = this.node(id).propose(data);
    this.stabilize();
    return r;
  }

  /** Proposes a membership change at node `id` and delivers until quiescent. */
  proposeConfChange(id: RaftId, change: ConfChange): ProposalResult {
    const r = this.node(id).proposeConfChange(change);
    this.stabilize();
    return r;
  }

  /** Log compaction at node `id` up to its applied index; writes the snapshot to its storage. */
  compact(id: RaftId, data: unknown = null): Snapshot | null {
    const snapshot = this.node(id).compact(data);
    if (snapshot) this.storage(id).compact(snapshot);
    return snapshot;
  }

  /** Power loss: node `id` loses everything but its storage; messages to it are dropped. */
  crash(id: RaftId): void {
    this.peer(id).node = null;
  }

  /** Boots node `id` again from its storage (optionally with other tunables) and delivers. */
  restart(id: RaftId, options?: NodeOptions): void {
    const p = this.peer(id);
    if (options) p.options = options;
    this.boot(p);
    this.drain();
  }

  /** Cuts node `id` off from every other server, including servers added later. */
  isolate(id: RaftId): void {
    this.isolated.add(id);
  }

  /** Cuts the link between `a` and `b` in both directions. */
  cut(a: RaftId, b: RaftId): void {
    this.drop(a, b);
    this.drop(b, a);
  }

  /** Drops messages from `from` to `to` with probability `rate` (default 1: all of them). */
  drop(from: RaftId, to: RaftId, rate = 1): void {
    this.dropRates.set(linkKey(from, to), rate);
  }

  /** Drops every message of this type. */
  ignore(type: MessageType): void {
    this.ignored.add(type);
  }

  /** Heals isolation, cuts, drops and ignored types (crashed nodes stay down; the hook stays). */
  recover(): void {
    this.isolated.clear();
    this.dropRates.clear();
    this.ignored.clear();
  }

  /** The messages emitted so far (optionally only those matching `filter`), dropped or not. */
  messages(filter: (m: Message) => boolean = () => true): Message[] {
    return this.sent.filter((s) => filter(s.message)).map((s) => s.message);
  }

  // ---------------------------------------------------------------- internals

  private boot(p: Peer): void {
    p.node = nodeFromStorage(p.id, p.storage, p.options);
    // The state machine is volatile: it restarts from the stored snapshot.
    p.applied = [];
    p.installedSnapshots = [];
    p.appliedIndex = p.storage.snapshot.index;
    this.processReady(p);
  }

  private processReady(p: Peer): void {
    const node = p.node;
    if (!node) return;
    for (let guard = 0; node.hasReady(); guard++) {
      if (guard > 1000) throw new Error(`SyncNetwork: ${p.id} never stops being ready`);
      const rd = node.ready();
      persistReady(p.storage, rd);
      for (const m of rd.messages) this.enqueue(m);
      if (rd.snapshot) {
        p.installedSnapshots.push(rd.snapshot);
        p.appliedIndex = rd.snapshot.index;
      }
      for (const e of rd.committedEntries) {
        if (e.index <= p.appliedIndex) continue;
        p.applied.push(e);
        p.appliedIndex = e.index;
      }
      node.advance(rd);
    }
  }

  private enqueue(m: Message): void {
    const dropped = this.shouldDrop(m);
    this.sent.push({ message: m, dropped });
    if (!dropped) this.queue.push(m);
  }

  private shouldDrop(m: Message): boolean {
    if (!this.peers.get(m.to)?.node) return true; // unknown or crashed
    if (this.isolated.has(m.from) || this.isolated.has(m.to)) return true;
    if (this.ignored.has(m.type)) return true;
    const rate = this.dropRates.get(linkKey(m.from, m.to)) ?? 0;
    if (rate >= 1 || this.rng.chance(rate)) return true;
    return this.msgHook !== null && !this.msgHook(m);
  }

  private drain(): void {
    let deliveries = 0;
    for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) {
      if (++deliveries > this.maxDeliveries) throw new Error('SyncNetwork: no quiescence (livelock?)');
      const p = this.peers.get(m.to);
      if (!p?.node) continue;
      p.node.step(m);
      this.processReady(p);
    }
  }
}

function linkKey(from: RaftId, to: RaftId): string {
  return `${from}\u0000${to}`;
}
