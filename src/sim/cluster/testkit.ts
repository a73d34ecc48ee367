/**
 * The MIT 6.5840 Raft lab tester (`config.go`) over a {@link SimCluster}: checkOneLeader,
 * checkTerms, checkNoLeader, nCommitted, wait, one, disconnect/connect, crash1/start1,
 * unreliable links, RPC counts and client commands. Everything runs in virtual time on the
 * cluster's scheduler and draws randomness from a seeded {@link Rng}, so a test is a pure
 * function of its seed. Bounds are the handout's (a leader within ~5 s, one() waits 2 s per
 * attempt and gives up after 10 s); the swarm variant scales every bound by 20.
 *
 * Differences from the Go tester, on purpose:
 * - Every server boots from a committed snapshot at index 1, term 1 holding the initial
 *   configuration (`MemoryStorage.bootstrap`), and a new leader appends a no-op (Raft §8).
 *   So the first election is in term 2, the first leader's no-op is at index 2, and MIT's "first
 *   command at index 1" is index 3 here. Index 1 is no command: nothing is ever applied there (each
 *   server's snapshot covers it), so {@link nCommitted} and {@link wait} refuse it and
 *   {@link MitTester.appliedAt} never reports it; loops over "every index" start at
 *   {@link firstLogIndex}.
 * - A "command" is a {@link PutOp} with a unique serial, compared by its one-line description.
 * - RPC counts count requests sent (delivered or not), so they never undercount.
 * - Links are FIFO per direction (as the TCP streams swarmkit uses) unless `reorderRate > 0`, as
 *   in the unreliable modes below.
 */
import { Rng } from '../core/Rng';
import type { Envelope, LinkConditions } from '../net/SimNetwork';
import type { ProposalResult } from '../raft/RaftNode';
import type { Entry, Message, MessageType, RaftConfig } from '../raft/types';
import { SimCluster } from './SimCluster';
import { describeEntry, type PutOp } from './StateMachine';

/** A failed tester check (MIT's `t.Fatalf`), with the tester's own wording. */
export class MitTestError extends Error {}

/** The tester's time bounds, in virtual milliseconds. */
export interface MitBounds {
  /** Multiplier applied to every duration a test body sleeps (1 for the MIT timing). */
  scale: number;
  /** `RaftElectionTimeout`: the tester's allowance for completing one election. */
  electionTimeoutMs: number;
  /** How many times checkOneLeader polls before giving up. */
  checkLeaderPolls: number;
  /** checkOneLeader sleeps uniformly in [min, max] before each poll. */
  checkLeaderPollMsMin: number;
  checkLeaderPollMsMax: number;
  /** How long one() waits for agreement after a successful Start(). */
  oneAttemptMs: number;
  /** When one() gives up entirely. */
  oneTotalMs: number;
  /** one() polls nCommitted this often while waiting. */
  onePollMs: number;
  /** one() sleeps this long when no connected server accepted Start(). */
  oneIdleMs: number;
}

/** The handout's bounds (config.go): election allowance 1 s, ~5 s to find a leader, one() 2 s / 10 s. */
export const mitBounds: MitBounds = {
  scale: 1,
  electionTimeoutMs: 1000,
  checkLeaderPolls: 10,
  checkLeaderPollMsMin: 450,
  checkLeaderPollMsMax: 550,
  oneAttemptMs: 2000,
  oneTotalMs: 10_000,
  onePollMs: 20,
  oneIdleMs: 50,
};

/** Every duration of `bounds` multiplied by `factor` (the poll count is kept). */
export function scaleBounds(bounds: MitBounds, factor: number): MitBounds {
  return {
    scale: bounds.scale * factor,
    electionTimeoutMs: bounds.electionTimeoutMs * factor,
    checkLeaderPolls: bounds.checkLeaderPolls,
    checkLeaderPollMsMin: bounds.checkLeaderPollMsMin * factor,
    checkLeaderPollMsMax: bounds.checkLeaderPollMsMax * factor,
    oneAttemptMs: bounds.oneAttemptMs * factor,
    oneTotalMs: bounds.oneTotalMs * factor,
    onePollMs: bounds.onePollMs * factor,
    oneIdleMs: bounds.oneIdleMs * factor,
  };
}

/**
 * Bounds for the swarm preset (1 s tick, heartbeat 1 s, election 10–19 s): the MIT bounds ×20, so
 * the election allowance (20 s) covers one randomized timeout plus a round trip, as MIT's 1 s
 * covers 0.3–0.6 s. (The ratio of the timeouts is ≈32; ×20 keeps the bounds tight.)
 */
export const swarmMitBounds: MitBounds = scaleBounds(mitBounds, 20);

/**
 * Raft overrides of the `paper` preset for the MIT bounds: the handout allows at most ten
 * heartbeats per second, so heartbeat 100 ms and election timeout 300–600 ms (1 ms ticks).
 */
export const mitRaftOverrides: Partial<Omit<RaftConfig, 'id'>> = {
  heartbeatTicks: 100,
  electionTimeoutTicksMin: 300,
  electionTimeoutTicksMax: 600,
};

/**
 * labrpc's unreliable mode: 10% of requests and 10% of replies dropped (every message here, each
 * way), short random delays (0–26 ms; here 1–27), plus what labrpc lacks: 5% duplicates and 10%
 * of messages held back up to 100 ms so later ones overtake them.
 */
export const unreliableLink: Partial<LinkConditions> = {
  latencyMsMin: 1,
  latencyMsMax: 27,
  lossRate: 0.1,
  duplicateRate: 0.05,
  reorderRate: 0.1,
  reorderDelayMsMax: 100,
};

/**
 * labrpc's long reordering: 2/3 of *replies* delayed 200–2200 ms. The simulated network does not
 * tell replies from requests, so here a quarter of all messages are held back up to 2200 ms
 * (with 2/3 of requests delayed too, TestFigure8Unreliable's final one() never reaches agreement
 * within 10 s on any seed tried).
 */
export const longReorderingLink: Partial<LinkConditions> = {
  reorderRate: 0.25,
  reorderDelayMsMax: 2200,
};

/** The Raft message types that are requests (an RPC in labrpc's count; replies are not counted). */
const REQUEST_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'RequestVote',
  'PreVote',
  'AppendEntries',
  'Heartbeat',
  'InstallSnapshot',
  'TimeoutNow',
]);

/** Message counts taken from the network's observers (labrpc's rpcCount, and more). */
export class RpcCounts {
  /** Requests sent, delivered or not (labrpc counts one RPC per request/reply pair). */
  requests = 0;
  /** Every message sent, replies and duplicates included. */
  messages = 0;
  /** Messages the network lost (at send or in flight: loss, partitions, crashed receivers). */
  dropped = 0;
  /** Second copies the network made of a message. */
  duplicates = 0;
  /** Messages sent, by type. */
  readonly byType = new Map<MessageType, number>();
  /**
   * Rejected AppendEntries replies, by the follower that sent them: one per backtracking round
   * (Raft §5.3), plus, on a reordering link (`reorderRate > 0`), one per pipelined append that
   * overtook an earlier one.
   */
  readonly appendRejectionsFrom = new Map<string, number>();

  /** Records one envelope handed to the network. */
  record(e: Envelope<Message>): void {
    const m = e.payload;
    this.messages++;
    if (e.dropped) this.dropped++;
    if (e.duplicate) this.duplicates++;
    if (REQUEST_TYPES.has(m.type)) this.requests++;
    bump(this.byType, m.type);
    if (m.type === 'AppendEntriesResponse' && m.reject) bump(this.appendRejectionsFrom, m.from);
  }

  /** How many messages of a type were sent. */
  count(type: MessageType): number {
    return this.byType.get(type) ?? 0;
  }
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Options of {@link mitCluster}. */
export interface MitClusterOptions {
  /** How many servers (ids `s0` … `s{n-1}`). */
  servers: number;
  /** Seed of every random choice of the run, the tester's included. */
  seed: number;
  /** `mit` (paper preset, heartbeat 100 ms, election 300–600 ms; default) or `swarm`. */
  timing?: 'mit' | 'swarm';
  /** Start with labrpc's unreliable network. */
  unreliable?: boolean;
  /** Compact after this many applied entries (MIT 3D: `SnapShotInterval = 10`). */
  snapshotEveryEntries?: number;
  /** Further Raft overrides. */
  raft?: Partial<Omit<RaftConfig, 'id'>>;
  /** Overrides of the preset's link conditions (the reliable baseline). */
  link?: Partial<LinkConditions>;
}

/** What an index holds on one server: the entry's description, as the checkers compare it. */
type AppliedLog = Map<number, string>;

/** The tester's state for one cluster (config.go's `config`). */
export class MitTester {
  /** Server ids in MIT order (server i is `ids[i]`). */
  readonly ids: string[];
  readonly bounds: MitBounds;
  /** The tester's own random stream (its `rand.Int()`). */
  readonly rng: Rng;
  readonly rpcs = new RpcCounts();
  /** Per server: index → entry applied there, over every incarnation (config.go's `logs`). */
  readonly logs = new Map<string, AppliedLog>();
  /** The link conditions the cluster started with (reliable). */
  readonly baseLink: LinkConditions;
  /**
   * The index of the snapshot every server boots with (1): it holds the initial configuration,
   * is committed from the start, and no entry is ever applied at or below it.
   */
  readonly bootstrapIndex: number;
  unreliable = false;
  longReordering = false;
  private readonly lastApplied = new Map<string, number>();
  private readonly firstAppliedAt = new Map<number, { entry: string; node: string }>();
  private nextSerial = 1;

  constructor(
    readonly cluster: SimCluster,
    bounds: MitBounds,
  ) {
    this.ids = cluster.nodeIds();
    this.bounds = bounds;
    this.rng = cluster.rng.fork('mit-tester');
    this.baseLink = { ...cluster.network.getDefaults() };
    this.bootstrapIndex = Math.min(...this.ids.map((id) => cluster.node(id).storage.snapshot.index));
    for (const id of this.ids) this.logs.set(id, new Map());
    cluster.network.observers.push({
      onSend: (e) => this.rpcs.record(e),
      onDrop: () => this.rpcs.dropped++,
    });
    cluster.applyListeners.push((node, entry) => this.onApply(node, entry));
  }

  /** A fresh client command with a unique serial (Raft §8), MIT's `cmd` argument. */
  command(value: number | string): PutOp {
    const serial = this.nextSerial++;
    return { op: 'put', key: `k${serial}`, value: String(value), serial };
  }

  /** config.go's applier checks: in-order apply, and agreement with every other server. */
  private onApply(node: string, entry: Entry): void {
    const log = this.logs.get(node);
    if (!log) return;
    const description = describeEntry(entry);
    // Every server starts with the bootstrap snapshot applied.
    const last = this.lastApplied.get(node) ?? this.bootstrapIndex;
    const replayFrom = this.cluster.node(node).storage.snapshot.index + 1;
    // A restart or an installed snapshot starts a new run of applies after the snapshot.
    if (entry.index !== last + 1 && entry.index !== replayFrom) {
      throw new MitTestError(`server ${node} apply out of order ${entry.index} (last applied ${last})`);
    }
    this.lastApplied.set(node, entry.index);
    const mine = log.get(entry.index);
    if (mine !== undefined && mine !== description) {
      throw new MitTestError(`server ${node} re-applied index ${entry.index} as ${description}, was ${mine}`);
    }
    const first = this.firstAppliedAt.get(entry.index);
    if (first && first.entry !== description) {
      throw new MitTestError(
        `commit index=${entry.index} server=${node} ${description} != server=${first.node} ${first.entry}`,
      );
    }
    if (!first) this.firstAppliedAt.set(entry.index, { entry: description, node });
    log.set(entry.index, description);
  }

  /**
   * What server `node` applied at `index`: explicitly, or through a snapshot that covers it.
   * Never anything at or below {@link bootstrapIndex}: no command was ever there.
   */
  appliedAt(node: string, index: number): string | undefined {
    if (index <= this.bootstrapIndex) return undefined;
    const mine = this.logs.get(node)?.get(index);
    if (mine !== undefined) return mine;
    // Entries under an installed snapshot were applied as a whole; the snapshot's hash chain is
    // checked by the cluster's Leader Completeness / State Machine Safety checkers.
    if (index <= this.cluster.node(node).storage.snapshot.index) return this.firstAppliedAt.get(index)?.entry;
    return undefined;
  }

  /** Throws when `index` is covered by the bootstrap snapshot: asking what was decided there is a test bug. */
  assertLogIndex(index: number): void {
    if (index <= this.bootstrapIndex) {
      throw new Error(
        `index ${index} is the bootstrap snapshot (the initial configuration), not a command; the log starts at ${this.bootstrapIndex + 1}`,
      );
    }
  }
}

const testers = new WeakMap<SimCluster, MitTester>();

/** A SimCluster set up as the MIT tester's `make_config(t, servers, unreliable, snapshot)`. */
export function mitCluster(options: MitClusterOptions): SimCluster {
  const ids = Array.from({ length: options.servers }, (_, i) => `s${i}`);
  const swarm = options.timing === 'swarm';
  const cluster = new SimCluster({
    seed: options.seed,
    voters: ids,
    timing: swarm ? 'swarm' : 'paper',
    raft: swarm ? { ...options.raft } : { ...mitRaftOverrides, ...options.raft },
    snapshotEveryEntries: options.snapshotEveryEntries,
    link: options.link,
  });
  const t = new MitTester(cluster, swarm ? swarmMitBounds : mitBounds);
  testers.set(cluster, t);
  if (options.unreliable) setUnreliable(cluster, true);
  return cluster;
}

/** The tester state of a cluster made by {@link mitCluster}. */
export function tester(c: SimCluster): MitTester {
  const t = testers.get(c);
  if (!t) throw new Error('cluster was not made by mitCluster()');
  return t;
}

/** A fresh client command (a PutOp with a unique serial). */
export function cmd(c: SimCluster, value: number | string): PutOp {
  return tester(c).command(value);
}

/** The description the checkers compare for a command. */
export function describeCmd(op: PutOp): string {
  return describeEntry({ index: 0, term: 0, type: 'normal', data: op });
}

/** A random command value from the tester's stream (MIT's `rand.Int()`). */
export function randValue(c: SimCluster): number {
  return tester(c).rng.nextUint32();
}

/** Server `(i + k) % n`, for MIT's `(leader + k) % servers`. */
export function peer(c: SimCluster, id: string, k: number): string {
  const ids = tester(c).ids;
  const i = ids.indexOf(id);
  if (i < 0) throw new Error(`unknown server ${id}`);
  return ids[(i + k) % ids.length]!;
}

/**
 * The first index a log entry can take: the one after the bootstrap snapshot (2), where the first
 * leader's no-op lands. MIT's loops over every index from 1 start here.
 */
export function firstLogIndex(c: SimCluster): number {
  return tester(c).bootstrapIndex + 1;
}

/** Sleeps `ms` of MIT time (scaled for the swarm variant). */
export function sleep(c: SimCluster, ms: number): void {
  c.runFor(ms * tester(c).bounds.scale);
}

/** The tester's `RaftElectionTimeout` (1 s for MIT). */
export function electionTimeoutMs(c: SimCluster): number {
  return tester(c).bounds.electionTimeoutMs;
}

// ------------------------------------------------------------------ network and servers

/** config.go's `connected[i]`: powered on, a Raft member, and not disconnected. */
export function connected(c: SimCluster, id: string): boolean {
  const n = c.node(id);
  return n.up && !n.left && n.raft !== null && !c.network.isIsolated(id);
}

/** config.go's `disconnect(i)`: cut every link of a server. */
export function disconnect(c: SimCluster, id: string): void {
  c.isolate(id);
}

/** config.go's `connect(i)`: restore a server's links. */
export function connect(c: SimCluster, id: string): void {
  c.reconnect(id);
}

/** config.go's `crash1(i)`: power loss (the disk survives). */
export function crash1(c: SimCluster, id: string): void {
  c.crash(id);
}

/** config.go's `start1(i)`: crash a running instance, then boot a new one from the disk. */
export function start1(c: SimCluster, id: string): void {
  c.crash(id);
  c.restart(id);
}

/** Switches labrpc's unreliable mode on or off (long reordering stays as it is). */
export function setUnreliable(c: SimCluster, on: boolean): void {
  const t = tester(c);
  t.unreliable = on;
  applyLink(c, t);
}

/** Switches labrpc's long reordering on or off. */
export function setLongReordering(c: SimCluster, on: boolean): void {
  const t = tester(c);
  t.longReordering = on;
  applyLink(c, t);
}

function applyLink(c: SimCluster, t: MitTester): void {
  c.network.setDefaults({
    ...t.baseLink,
    ...(t.unreliable ? unreliableLink : {}),
    ...(t.longReordering ? longReorderingLink : {}),
  });
}

/** Proposes on one server (MIT's `rafts[i].Start(cmd)`); a crashed server refuses. */
export function start(c: SimCluster, id: string, op: PutOp): ProposalResult {
  if (!c.node(id).raft) return { ok: false, error: 'not-leader' };
  return c.propose(op, id);
}

/** The term and leadership a server reports (MIT's `GetState()`); null while crashed. */
export function getState(c: SimCluster, id: string): { term: number; isLeader: boolean } | null {
  const r = c.node(id).raft;
  if (!r) return null;
  return { term: r.currentTerm, isLeader: r.currentRole === 'leader' };
}

/** The largest number of log entries any server holds on disk (MIT's `LogSize`, in entries). */
export function logSize(c: SimCluster): number {
  return Math.max(...tester(c).ids.map((id) => c.node(id).storage.entryCount));
}

// ------------------------------------------------------------------ checks

/**
 * config.go's `checkOneLeader`: polls up to 10 times, sleeping 450–550 ms before each poll, for
 * a connected leader. Fails when a term has two connected leaders, or when none appeared.
 * Returns the leader of the highest term.
 */
export function checkOneLeader(c: SimCluster): string {
  const t = tester(c);
  const b = t.bounds;
  for (let iters = 0; iters < b.checkLeaderPolls; iters++) {
    c.runFor(t.rng.intBetween(b.checkLeaderPollMsMin, b.checkLeaderPollMsMax));
    const leaders = new Map<number, string[]>();
    for (const id of t.ids) {
      const s = getState(c, id);
      if (connected(c, id) && s?.isLeader) leaders.set(s.term, [...(leaders.get(s.term) ?? []), id]);
    }
    let lastTermWithLeader = -1;
    for (const [term, ls] of leaders) {
      // Raft §5.2 Election Safety.
      if (ls.length > 1) throw new MitTestError(`term ${term} has ${ls.length} (>1) leaders`);
      if (term > lastTermWithLeader) lastTermWithLeader = term;
    }
    if (leaders.size !== 0) return leaders.get(lastTermWithLeader)![0]!;
  }
  throw new MitTestError('expected one leader, got none');
}

/** config.go's `checkTerms`: every connected server is in the same term; returns it. */
export function checkTerms(c: SimCluster): number {
  let term = -1;
  for (const id of tester(c).ids) {
    if (!connected(c, id)) continue;
    const xterm = getState(c, id)!.term;
    if (term === -1) term = xterm;
    else if (term !== xterm) throw new MitTestError(`servers disagree on term: ${term} vs ${xterm} (${id})`);
  }
  return term;
}

/** config.go's `checkNoLeader`: no connected server thinks it is the leader. */
export function checkNoLeader(c: SimCluster): void {
  for (const id of tester(c).ids) {
    if (connected(c, id) && getState(c, id)!.isLeader) {
      throw new MitTestError(`expected no leader among connected servers, but ${id} claims to be leader`);
    }
  }
}

/**
 * config.go's `nCommitted`: how many servers (crashed ones included) applied an entry at `index`,
 * and which. Fails when two servers applied different entries there (State Machine Safety).
 * Refuses an index covered by the bootstrap snapshot (index 1), which holds no command.
 */
export function nCommitted(c: SimCluster, index: number): { count: number; entry: string | undefined } {
  const t = tester(c);
  t.assertLogIndex(index);
  let count = 0;
  let entry: string | undefined;
  for (const id of t.ids) {
    const e = t.appliedAt(id, index);
    if (e === undefined) continue;
    if (count > 0 && e !== entry) throw new MitTestError(`committed values do not match: index ${index}, ${entry}, ${e}`);
    count++;
    entry = e;
  }
  return { count, entry };
}

/**
 * config.go's `wait`: waits (backing off 10 ms → 1 s, 30 times) for at least `n` servers to apply
 * `index`. Returns the entry, or null when `startTerm > -1` and some server moved past it.
 * Refuses an index covered by the bootstrap snapshot (index 1), as {@link nCommitted} does.
 */
export function wait(c: SimCluster, index: number, n: number, startTerm: number): string | null {
  const t = tester(c);
  t.assertLogIndex(index);
  let to = 10 * t.bounds.scale;
  for (let iters = 0; iters < 30; iters++) {
    if (nCommitted(c, index).count >= n) break;
    c.runFor(to);
    if (to < 1000 * t.bounds.scale) to *= 2;
    if (startTerm > -1 && t.ids.some((id) => (getState(c, id)?.term ?? 0) > startTerm)) return null;
  }
  const { count, entry } = nCommitted(c, index);
  if (count < n) throw new MitTestError(`only ${count} decided for index ${index}; wanted ${n}`);
  return entry!;
}

/**
 * One in-progress `one()`: an agreement attempt driven by events on the cluster's scheduler, so
 * several can run at once (MIT's concurrent `go cfg.one(...)`).
 */
export class OneCall {
  /** True once the command was applied by enough servers. */
  done = false;
  /** The index it was committed at (valid once done). */
  index = -1;
  private readonly t: MitTester;
  private readonly description: string;
  private readonly t0: number;
  private starts = 0;

  constructor(
    private readonly c: SimCluster,
    readonly command: PutOp,
    readonly expectedServers: number,
    readonly retry: boolean,
  ) {
    this.t = tester(c);
    this.description = describeCmd(command);
    this.t0 = c.now();
    this.attempt();
  }

  private fail(): never {
    throw new MitTestError(`one(${this.description}) failed to reach agreement`);
  }

  /** Try every connected server, maybe one is the leader. */
  private attempt(): void {
    const b = this.t.bounds;
    if (this.c.now() - this.t0 >= b.oneTotalMs) this.fail();
    let index = -1;
    const ids = this.t.ids;
    for (let si = 0; si < ids.length; si++) {
      this.starts = (this.starts + 1) % ids.length;
      const id = ids[this.starts]!;
      if (!connected(this.c, id)) continue;
      const r = this.c.propose(this.command, id);
      if (r.ok) {
        index = r.index;
        break;
      }
    }
    if (index === -1) {
      this.c.scheduler.after(b.oneIdleMs, () => this.attempt());
      return;
    }
    this.poll(index, this.c.now());
  }

  /** Somebody claimed to be the leader and to have appended our command: wait for agreement. */
  private poll(index: number, t1: number): void {
    const b = this.t.bounds;
    if (this.c.now() - t1 >= b.oneAttemptMs) {
      if (!this.retry) this.fail();
      this.attempt();
      return;
    }
    const { count, entry } = nCommitted(this.c, index);
    if (count > 0 && count >= this.expectedServers && entry === this.description) {
      this.done = true;
      this.index = index;
      return;
    }
    this.c.scheduler.after(b.onePollMs, () => this.poll(index, t1));
  }
}

/** Starts a `one()` that proceeds as virtual time runs; see {@link OneCall}. */
export function startOne(c: SimCluster, command: PutOp, expectedServers: number, retry: boolean): OneCall {
  return new OneCall(c, command, expectedServers, retry);
}

/**
 * config.go's `one`: a complete agreement. Proposes on whichever connected server accepts, waits
 * up to 2 s for `expectedServers` servers to apply that very command, retries (when `retry`)
 * and gives up after 10 s. Returns the index.
 */
export function one(c: SimCluster, command: PutOp, expectedServers: number, retry: boolean): number {
  const call = startOne(c, command, expectedServers, retry);
  const b = tester(c).bounds;
  if (!call.done) c.runUntil(() => call.done, b.oneTotalMs + b.oneAttemptMs + b.oneIdleMs);
  if (!call.done) throw new MitTestError(`one(${describeCmd(command)}) failed to reach agreement`);
  return call.index;
}

/** Runs until every call is done (or `maxMs` passes, then fails). */
export function waitAll(c: SimCluster, calls: readonly OneCall[], maxMs: number): void {
  if (!c.runUntil(() => calls.every((x) => x.done), maxMs)) {
    throw new MitTestError(`${calls.filter((x) => !x.done).length} concurrent one() calls never finished`);
  }
}

// ------------------------------------------------------------------ churn clients

/** MIT's poll schedule after a client's Start(): check, then sleep 10, 20, 50, 100, 200 ms. */
const CHURN_POLL_MS = [10, 20, 50, 100, 200] as const;

/**
 * One client of MIT's churn tests (`internalChurn`'s `cfn`): proposes a fresh value on every
 * running server, polls a little for it to commit, and records the values it saw committed.
 */
export class ChurnClient {
  /** Values this client saw committed at the index its Start() returned. */
  readonly values: PutOp[] = [];
  /** True once the client stopped after `stop()`. */
  finished = false;
  private stopped = false;

  constructor(
    private readonly c: SimCluster,
    readonly me: number,
  ) {
    this.c.scheduler.after(0, () => this.step());
  }

  /** Asks the client to stop after its current operation. */
  stop(): void {
    this.stopped = true;
  }

  private step(): void {
    if (this.stopped) {
      this.finished = true;
      return;
    }
    const t = tester(this.c);
    const x = t.command(t.rng.nextUint32());
    let index = -1;
    // Try them all, maybe one of them is a leader.
    for (const id of t.ids) {
      const r = start(this.c, id, x);
      if (r.ok) index = r.index;
    }
    if (index !== -1) this.poll(x, index, 0);
    else this.c.scheduler.after((79 + this.me * 17) * t.bounds.scale, () => this.step());
  }

  /** Maybe the leader will commit our value, maybe not; but don't wait forever. */
  private poll(x: PutOp, index: number, k: number): void {
    if (k < CHURN_POLL_MS.length) {
      const { count, entry } = nCommitted(this.c, index);
      if (count > 0) {
        if (entry === describeCmd(x)) this.values.push(x);
        this.c.scheduler.after(0, () => this.step());
        return;
      }
      this.c.scheduler.after(CHURN_POLL_MS[k]! * tester(this.c).bounds.scale, () => this.poll(x, index, k + 1));
      return;
    }
    this.step();
  }
}
