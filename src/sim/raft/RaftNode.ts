/**
 * One Raft server as an I/O-free state machine in etcd-raft's shape: the host calls `tick()` as
 * time passes and `step(message)` for each message received, then drains `ready()` — persist,
 * send, apply — and acknowledges it with `advance()`. Paper references: Ongaro & Ousterhout,
 * "In Search of an Understandable Consensus Algorithm" (§5, §6, §7, §8) and Ongaro's thesis
 * (§9.6 PreVote).
 */
import type { Rng } from '../core/Rng';
import { MemoryStorage } from './MemoryStorage';
import { Progress } from './Progress';
import { RaftLog } from './RaftLog';
import type {
  ConfChange,
  Entry,
  HardState,
  Message,
  MessageType,
  RaftConfig,
  RaftId,
  RaftRole,
  Ready,
  Snapshot,
  SoftState,
} from './types';

/** Why a proposal was refused. */
export type ProposalError = 'not-leader' | 'conf-change-pending' | 'unknown-member' | 'already-member' | 'removed';

/** The result of a proposal: where it was appended, or why it was refused. */
export type ProposalResult = { ok: true; index: number; term: number } | { ok: false; error: ProposalError };

/** A read-only picture of a node for checkers, views and tests. */
export interface RaftStatus {
  id: RaftId;
  role: RaftRole;
  term: number;
  vote: RaftId | null;
  leader: RaftId | null;
  commit: number;
  applied: number;
  firstIndex: number;
  lastIndex: number;
  lastTerm: number;
  voters: RaftId[];
  /** False once this node applied its own removal. */
  member: boolean;
  electionElapsedTicks: number;
  randomizedElectionTimeoutTicks: number;
  /** Votes received while campaigning (granted true, denied false). */
  votes: Record<RaftId, boolean>;
  /** The leader's per-follower progress. */
  progress: Record<RaftId, { match: number; next: number; state: string; recentActive: boolean }>;
}

/** A Raft node. Construct it from stable storage: a fresh bootstrap or what survived a crash. */
export class RaftNode {
  readonly id: RaftId;
  private readonly cfg: RaftConfig;
  private readonly rng: Rng;
  private readonly log: RaftLog;

  private term: number;
  private vote: RaftId | null;
  private role: RaftRole = 'follower';
  private leader: RaftId | null = null;
  private voters: RaftId[];
  private removed = false;

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private votes = new Map<RaftId, boolean>();
  private progress = new Map<RaftId, Progress>();
  /** The index of the latest conf change appended by this leader (one change at a time). */
  private pendingConfIndex = 0;

  private outbox: Message[] = [];
  private prevHardState: HardState;
  private prevSoftState: SoftState;

  constructor(config: RaftConfig, storage: MemoryStorage, rng: Rng) {
    this.id = config.id;
    this.cfg = config;
    this.rng = rng;
    this.log = new RaftLog(storage.snapshot, storage.entries, storage.hardState.commit);
    this.term = storage.hardState.term;
    this.vote = storage.hardState.vote;
    this.voters = storage.snapshot.conf.voters.slice();
    this.prevHardState = { ...storage.hardState };
    this.becomeFollower(this.term, null);
    this.prevSoftState = this.softState();
  }

  // ---------------------------------------------------------------- inputs

  /** Advances logical time by one tick (election timer on followers/candidates, heartbeats on leaders). */
  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  /** Starts an election now, as if the election timer had fired (RaftScope's "time out"). */
  campaign(): void {
    if (this.role === 'leader' || !this.promotable()) return;
    this.hup();
  }

  /** Handles one message from a peer. */
  step(m: Message): void {
    if (this.removed) return;
    // Raft §5.1: terms act as a logical clock.
    if (m.term > this.term) {
      if (m.type === 'RequestVote' || m.type === 'PreVote') {
        // Raft §6 (disruptive servers) / etcd CheckQuorum lease: a follower that heard from a
        // current leader within the minimum election timeout ignores requests to depose it.
        const inLease =
          this.cfg.checkQuorum && this.leader !== null && this.electionElapsed < this.cfg.electionTimeoutTicksMin;
        if (inLease) return;
      }
      if (m.type === 'PreVote') {
        // A PreVote never changes our term (thesis §9.6).
      } else if (m.type === 'PreVoteResponse' && !m.reject) {
        // A granted pre-vote carries the future term; our term changes only when we campaign.
      } else if (m.type === 'AppendEntries' || m.type === 'Heartbeat' || m.type === 'InstallSnapshot') {
        this.becomeFollower(m.term, m.from);
      } else {
        // Raft Figure 2: only a current leader's AppendEntries or granting a vote resets the
        // election timer; learning of a higher term from anyone else keeps it running (etcd
        // resets it here, which lets an ineligible candidate delay an eligible one).
        this.becomeFollower(m.term, null, true);
      }
    } else if (m.term < this.term) {
      // Raft §5.1: a request with a stale term is rejected. With CheckQuorum or PreVote, tell a
      // stale leader our term so it steps down (etcd: otherwise it could be stuck forever).
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'AppendEntries' || m.type === 'Heartbeat')) {
        this.send({ type: 'AppendEntriesResponse', to: m.from, index: 0, logTerm: 0 });
      } else if (m.type === 'PreVote') {
        this.send({ type: 'PreVoteResponse', to: m.from, index: 0, logTerm: 0, reject: true });
      }
      return;
    }

    if (m.type === 'RequestVote' || m.type === 'PreVote') {
      this.handleVoteRequest(m);
      return;
    }
    switch (this.role) {
      case 'follower':
        this.stepFollower(m);
        break;
      case 'precandidate':
      case 'candidate':
        this.stepCandidate(m);
        break;
      case 'leader':
        this.stepLeader(m);
        break;
    }
  }

  /** Proposes an opaque command; only a leader accepts it (Raft §5.3). */
  propose(data: unknown): ProposalResult {
    if (this.removed) return { ok: false, error: 'removed' };
    if (this.role !== 'leader') return { ok: false, error: 'not-leader' };
    const index = this.appendEntry({ type: 'normal', data });
    return { ok: true, index, term: this.term };
  }

  /**
   * Proposes adding or removing one voter (Raft §6, single-server changes). As in etcd-raft, the
   * change takes effect when applied, and a leader accepts no new change while one is pending.
   */
  proposeConfChange(change: ConfChange): ProposalResult {
    if (this.removed) return { ok: false, error: 'removed' };
    if (this.role !== 'leader') return { ok: false, error: 'not-leader' };
    if (this.pendingConfIndex > this.log.applied) return { ok: false, error: 'conf-change-pending' };
    const isVoter = this.voters.includes(change.id);
    if (change.op === 'addVoter' && isVoter) return { ok: false, error: 'already-member' };
    if (change.op === 'removeVoter' && !isVoter) return { ok: false, error: 'unknown-member' };
    const index = this.appendEntry({ type: 'confChange', change });
    this.pendingConfIndex = index;
    return { ok: true, index, term: this.term };
  }

  /**
   * Log compaction (Raft §7): replaces the applied prefix of the log with a snapshot of the state
   * machine, `data`, taken at the applied index. Returns the snapshot for the host to persist.
   */
  compact(data: unknown): Snapshot | null {
    const index = this.log.applied;
    if (index <= this.log.snapshot.index) return null;
    const snapshot: Snapshot = { index, term: this.log.term(index)!, conf: { voters: this.voters.slice() }, data };
    this.log.compact(snapshot);
    return snapshot;
  }

  // ---------------------------------------------------------------- Ready / Advance

  /** True when `ready()` has something for the host. */
  hasReady(): boolean {
    const hs = this.hardState();
    const ss = this.softState();
    return (
      this.outbox.length > 0 ||
      !sameHardState(hs, this.prevHardState) ||
      ss.role !== this.prevSoftState.role ||
      ss.leader !== this.prevSoftState.leader ||
      this.log.pendingSnapshot !== null ||
      this.log.stableIndex < this.log.lastIndex() ||
      this.log.committed > Math.max(this.log.applied, this.log.snapshot.index)
    );
  }

  /** What the host must persist, send and apply now. Messages are handed out once. */
  ready(): Ready {
    const hs = this.hardState();
    const ss = this.softState();
    const rd: Ready = {
      softState: ss.role !== this.prevSoftState.role || ss.leader !== this.prevSoftState.leader ? ss : null,
      hardState: sameHardState(hs, this.prevHardState) ? null : hs,
      entries: this.log.unstableEntries(),
      snapshot: this.log.pendingSnapshot,
      committedEntries: this.log.nextCommittedEntries(),
      messages: this.outbox,
    };
    this.outbox = [];
    return rd;
  }

  /** Acknowledges a Ready the host has fully handled; applies membership changes it committed. */
  advance(rd: Ready): void {
    if (rd.softState) this.prevSoftState = rd.softState;
    if (rd.hardState) this.prevHardState = rd.hardState;
    if (rd.entries.length > 0) this.log.stableIndex = Math.max(this.log.stableIndex, rd.entries.at(-1)!.index);
    if (rd.snapshot) {
      this.log.pendingSnapshot = null;
      this.log.applied = Math.max(this.log.applied, rd.snapshot.index);
    }
    for (const e of rd.committedEntries) {
      if (e.index <= this.log.applied) continue;
      this.log.applied = e.index;
      if (e.type === 'confChange') this.applyConfChange(e.change);
    }
  }

  // ---------------------------------------------------------------- status

  /** The node's current state as plain data. */
  status(): RaftStatus {
    const progress: RaftStatus['progress'] = {};
    if (this.role === 'leader') {
      for (const [id, pr] of this.progress) {
        progress[id] = { match: pr.match, next: pr.next, state: pr.state, recentActive: pr.recentActive };
      }
    }
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leader: this.leader,
      commit: this.log.committed,
      applied: this.log.applied,
      firstIndex: this.log.firstIndex(),
      lastIndex: this.log.lastIndex(),
      lastTerm: this.log.lastTerm(),
      voters: this.voters.slice(),
      member: !this.removed,
      electionElapsedTicks: this.electionElapsed,
      randomizedElectionTimeoutTicks: this.randomizedElectionTimeout,
      votes: Object.fromEntries(this.votes),
      progress,
    };
  }

  /** The entry at `index` if it is still in the log (for checkers). */
  entryAt(index: number): Entry | undefined {
    return this.log.entryAt(index);
  }

  /** The term of the entry at `index` if known (for checkers). */
  termAt(index: number): number | undefined {
    return this.log.term(index);
  }

  /** The latest snapshot (index 0 before any compaction). */
  latestSnapshot(): Snapshot {
    return this.log.snapshot;
  }

  /** The current role. */
  get currentRole(): RaftRole {
    return this.role;
  }

  /** The current term. */
  get currentTerm(): number {
    return this.term;
  }

  /** The leader this node knows of in its current term. */
  get currentLeader(): RaftId | null {
    return this.leader;
  }

  /** False once this node applied its own removal from the voters. */
  get isMember(): boolean {
    return !this.removed;
  }

  /** Test hook: fixes the randomized election timeout (etcd's SetRandomizedElectionTimeout). */
  setRandomizedElectionTimeout(ticks: number): void {
    this.randomizedElectionTimeout = ticks;
  }

  // ---------------------------------------------------------------- roles

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  private softState(): SoftState {
    return { role: this.role, leader: this.leader };
  }

  private promotable(): boolean {
    return !this.removed && this.voters.includes(this.id);
  }

  private quorum(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  private reset(term: number, keepElectionTimer = false): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.leader = null;
    if (!keepElectionTimer) this.electionElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.heartbeatElapsed = 0;
    this.votes.clear();
    this.progress.clear();
  }

  /** Raft §5.2: election timeouts are chosen randomly from a fixed interval. */
  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.rng.intBetween(
      this.cfg.electionTimeoutTicksMin,
      this.cfg.electionTimeoutTicksMax,
    );
  }

  private becomeFollower(term: number, leader: RaftId | null, keepElectionTimer = false): void {
    // A leader stepping down always restarts its timer (its elapsed counts CheckQuorum rounds).
    this.reset(term, keepElectionTimer && this.role !== 'leader');
    this.role = 'follower';
    this.leader = leader;
  }

  private becomePreCandidate(): void {
    // Thesis §9.6: a pre-candidate changes neither its term nor its vote.
    this.votes.clear();
    this.leader = null;
    this.role = 'precandidate';
  }

  private becomeCandidate(): void {
    // Raft §5.2: increment currentTerm, vote for self.
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    this.reset(this.term);
    this.role = 'leader';
    this.leader = this.id;
    for (const v of this.voters) {
      const pr = new Progress(this.log.lastIndex() + 1, this.cfg.maxInflightMessages);
      if (v === this.id) pr.match = this.log.lastIndex();
      pr.recentActive = true;
      this.progress.set(v, pr);
    }
    // Conservatively no conf change until everything in the log so far is applied.
    this.pendingConfIndex = this.log.lastIndex();
    // Raft §8: a new leader commits a blank no-op entry at the start of its term.
    this.appendEntry({ type: 'normal', data: null });
  }

  private hup(): void {
    if (this.hasUnappliedConfChange()) return;
    if (this.cfg.preVote) this.campaignRound('pre');
    else this.campaignRound('election');
  }

  private hasUnappliedConfChange(): boolean {
    for (let i = this.log.applied + 1; i <= this.log.committed; i++) {
      if (this.log.entryAt(i)?.type === 'confChange') return true;
    }
    return false;
  }

  private campaignRound(kind: 'pre' | 'election'): void {
    let voteTerm: number;
    let type: MessageType;
    if (kind === 'pre') {
      this.becomePreCandidate();
      voteTerm = this.term + 1;
      type = 'PreVote';
    } else {
      this.becomeCandidate();
      voteTerm = this.term;
      type = 'RequestVote';
    }
    this.votes.set(this.id, true);
    if (this.tally() === 'won') {
      if (kind === 'pre') this.campaignRound('election');
      else this.becomeLeader();
      return;
    }
    for (const v of this.voters) {
      if (v === this.id) continue;
      this.outbox.push({
        type,
        from: this.id,
        to: v,
        term: voteTerm,
        index: this.log.lastIndex(),
        logTerm: this.log.lastTerm(),
      });
    }
  }

  private tally(): 'won' | 'lost' | 'pending' {
    let granted = 0;
    let rejected = 0;
    for (const v of this.voters) {
      const g = this.votes.get(v);
      if (g === true) granted++;
      else if (g === false) rejected++;
    }
    const q = this.quorum();
    if (granted >= q) return 'won';
    if (rejected >= q || this.voters.length - rejected < q) return 'lost';
    return 'pending';
  }

  // ---------------------------------------------------------------- ticks

  private tickElection(): void {
    this.electionElapsed++;
    // Raft §5.2: a follower that hears nothing for an election timeout starts an election.
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup();
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTimeoutTicksMin) {
      this.electionElapsed = 0;
      // CheckQuorum: a leader that has not heard from a majority for an election timeout steps down.
      if (this.cfg.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, null);
        return;
      }
      for (const [id, pr] of this.progress) if (id !== this.id) pr.recentActive = false;
    }
    // Raft §5.2: leaders send periodic heartbeats to maintain their authority.
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat();
    }
  }

  private quorumActive(): boolean {
    let active = 0;
    for (const v of this.voters) {
      if (v === this.id || this.progress.get(v)?.recentActive) active++;
    }
    return active >= this.quorum();
  }

  // ---------------------------------------------------------------- votes

  private handleVoteRequest(m: Message): void {
    const isPre = m.type === 'PreVote';
    // Raft §5.2: at most one vote per term, first come first served; thesis §9.6: a pre-vote for
    // a future term may be granted whatever our own vote.
    const canVote =
      this.vote === m.from || (this.vote === null && this.leader === null) || (isPre && m.term > this.term);
    // Raft §5.4.1: grant only to a candidate whose log is at least as up-to-date as ours.
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      this.send({
        type: isPre ? 'PreVoteResponse' : 'RequestVoteResponse',
        to: m.from,
        term: m.term,
        index: 0,
        logTerm: 0,
      });
      if (!isPre) {
        // Raft §5.2: granting a vote restarts the (randomized) election timer.
        this.electionElapsed = 0;
        this.resetRandomizedElectionTimeout();
        this.vote = m.from;
      }
    } else {
      this.send({
        type: isPre ? 'PreVoteResponse' : 'RequestVoteResponse',
        to: m.from,
        index: 0,
        logTerm: 0,
        reject: true,
      });
    }
  }

  // ---------------------------------------------------------------- followers

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'AppendEntries':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleAppendEntries(m);
        break;
      case 'Heartbeat':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleHeartbeat(m);
        break;
      case 'InstallSnapshot':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleSnapshot(m);
        break;
      default:
        break;
    }
  }

  /** Raft §5.3: the AppendEntries receiver (consistency check, conflict removal, commit). */
  private handleAppendEntries(m: Message): void {
    if (m.index < this.log.committed) {
      this.send({ type: 'AppendEntriesResponse', to: m.from, index: this.log.committed, logTerm: 0 });
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit ?? 0, m.entries ?? []);
    if (lastNew !== undefined) {
      this.send({ type: 'AppendEntriesResponse', to: m.from, index: lastNew, logTerm: 0 });
      return;
    }
    // Raft §5.3 (fast backtracking): reply with the last index whose term could match.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.send({
      type: 'AppendEntriesResponse',
      to: m.from,
      index: m.index,
      logTerm: hint.term,
      reject: true,
      rejectHint: hint.index,
    });
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(Math.min(m.commit ?? 0, this.log.lastIndex()));
    this.send({ type: 'HeartbeatResponse', to: m.from, index: 0, logTerm: 0 });
  }

  /** Raft §7: InstallSnapshot receiver. */
  private handleSnapshot(m: Message): void {
    const s = m.snapshot!;
    if (s.index <= this.log.committed) {
      this.send({ type: 'AppendEntriesResponse', to: m.from, index: this.log.committed, logTerm: 0 });
      return;
    }
    if (this.log.matchTerm(s.index, s.term)) {
      // We already hold the snapshot's last entry: keep the log after it and just commit. Acknowledge
      // only up to the snapshot (etcd: the commit index): the entries after it were never checked
      // against the leader's log, so claiming them could let the leader count us for entries we lack.
      this.log.commitTo(s.index);
      this.send({ type: 'AppendEntriesResponse', to: m.from, index: this.log.committed, logTerm: 0 });
      return;
    }
    this.log.restore(s);
    this.voters = s.conf.voters.slice();
    this.send({ type: 'AppendEntriesResponse', to: m.from, index: this.log.lastIndex(), logTerm: 0 });
  }

  // ---------------------------------------------------------------- candidates

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'AppendEntries':
      case 'Heartbeat':
      case 'InstallSnapshot':
        // Raft §5.2: a candidate that hears from a leader of its term (or later) returns to follower.
        this.becomeFollower(m.term, m.from);
        this.stepFollower(m);
        break;
      case 'PreVoteResponse':
      case 'RequestVoteResponse': {
        const expected = this.role === 'precandidate' ? 'PreVoteResponse' : 'RequestVoteResponse';
        if (m.type !== expected) break;
        if (!this.voters.includes(m.from)) break;
        this.votes.set(m.from, !m.reject);
        const result = this.tally();
        if (result === 'won') {
          if (this.role === 'precandidate') this.campaignRound('election');
          else this.becomeLeader();
        } else if (result === 'lost') {
          this.becomeFollower(this.term, null);
        }
        break;
      }
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- leaders

  private stepLeader(m: Message): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    switch (m.type) {
      case 'AppendEntriesResponse':
        pr.recentActive = true;
        if (m.reject) this.handleAppendRejection(m, pr);
        else this.handleAppendSuccess(m, pr);
        break;
      case 'HeartbeatResponse':
        pr.recentActive = true;
        pr.probeSent = false;
        if (pr.state === 'replicate' && pr.isPaused()) pr.inflights.shift();
        // A snapshot lost in flight is resent once the follower is known to be reachable again.
        if (pr.state === 'snapshot') pr.abortSnapshot();
        if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, true);
        break;
      default:
        break;
    }
  }

  private handleAppendRejection(m: Message, pr: Progress): void {
    // Raft §5.3: after a rejection, decrement nextIndex and retry — here by whole terms.
    let nextProbe = m.rejectHint ?? 0;
    if (m.logTerm > 0) nextProbe = this.log.findConflictByTerm(nextProbe, m.logTerm).index;
    if (pr.maybeDecrTo(m.index, nextProbe)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      this.sendAppend(m.from, true);
    }
  }

  private handleAppendSuccess(m: Message, pr: Progress): void {
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index) && !(pr.match === m.index && pr.state === 'probe')) return;
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot') {
      if (pr.match + 1 >= this.log.firstIndex()) {
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.match >= pr.pendingSnapshot) {
        // The follower installed the snapshot but the log was compacted again since: probe anew
        // (etcd learns this from ReportSnapshot; here the follower's reply says it).
        pr.abortSnapshot();
      }
    } else if (pr.state === 'replicate') pr.freeInflightsUpTo(m.index);

    if (this.maybeCommit()) this.broadcastAppend();
    else if (wasPaused) this.sendAppend(m.from, true);
    while (this.sendAppend(m.from, false)) {
      // keep the follower's pipeline full
    }
  }

  /** Raft §5.3/§5.4.2: commit the highest index stored on a majority, if it is from this term. */
  private maybeCommit(): boolean {
    const matches = this.voters.map((v) => this.progress.get(v)?.match ?? 0).sort((a, b) => b - a);
    const majorityIndex = matches[this.quorum() - 1] ?? 0;
    return this.log.maybeCommit(majorityIndex, this.term);
  }

  private appendEntry(entry: { type: 'normal'; data: unknown } | { type: 'confChange'; change: ConfChange }): number {
    const index = this.log.lastIndex() + 1;
    this.log.append([{ ...entry, index, term: this.term } as Entry]);
    this.progress.get(this.id)?.maybeUpdate(index);
    // A single-voter cluster commits on its own.
    this.maybeCommit();
    this.broadcastAppend();
    return index;
  }

  private broadcastAppend(): void {
    for (const v of this.progress.keys()) if (v !== this.id) this.sendAppend(v, true);
  }

  private broadcastHeartbeat(): void {
    for (const [v, pr] of this.progress) {
      if (v === this.id) continue;
      this.send({
        type: 'Heartbeat',
        to: v,
        index: 0,
        logTerm: 0,
        commit: Math.min(pr.match, this.log.committed),
      });
    }
  }

  /** Sends the follower what it lacks: entries from nextIndex, or the snapshot when they are compacted. */
  private sendAppend(to: RaftId, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    const entries =
      prevTerm === undefined
        ? undefined
        : this.log.slice(pr.next, pr.next + this.cfg.maxEntriesPerMessage);
    if (prevTerm === undefined || entries === undefined) {
      // Raft §7: the follower needs entries already discarded, so send the snapshot.
      const snapshot = this.log.snapshot;
      pr.becomeSnapshot(snapshot.index);
      this.send({ type: 'InstallSnapshot', to, index: 0, logTerm: 0, snapshot });
      return false;
    }
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({
      type: 'AppendEntries',
      to,
      index: prevIndex,
      logTerm: prevTerm,
      entries,
      commit: this.log.committed,
    });
    pr.sentEntries(entries.length > 0 ? entries.at(-1)!.index : prevIndex, entries.length);
    return entries.length > 0;
  }

  // ---------------------------------------------------------------- membership

  private applyConfChange(change: ConfChange): void {
    if (change.op === 'addVoter') {
      if (!this.voters.includes(change.id)) this.voters.push(change.id);
      if (this.role === 'leader' && !this.progress.has(change.id)) {
        const pr = new Progress(this.log.lastIndex() + 1, this.cfg.maxInflightMessages);
        pr.recentActive = true;
        this.progress.set(change.id, pr);
        this.sendAppend(change.id, true);
      }
    } else {
      this.voters = this.voters.filter((v) => v !== change.id);
      this.progress.delete(change.id);
      this.votes.delete(change.id);
      if (change.id === this.id) {
        // This node left the Raft group: it stops campaigning and answering. A leader first tells
        // its followers the commit index, so they apply the change and elect a successor.
        if (this.role === 'leader') this.broadcastHeartbeat();
        this.removed = true;
        if (this.role !== 'follower') this.becomeFollower(this.term, null);
        return;
      }
      // A smaller quorum may commit more now.
      if (this.role === 'leader' && this.maybeCommit()) this.broadcastAppend();
    }
  }

  private send(m: Omit<Message, 'from' | 'term'> & { term?: number }): void {
    this.outbox.push({ ...m, from: this.id, term: m.term ?? this.term });
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
