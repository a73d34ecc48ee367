/**
 * Plain-data types of the Raft core: entries, messages, durable state, snapshots and the
 * Ready batch (etcd-raft's shape). Everything here is serialisable, so a node can live in a
 * Web Worker and its messages can cross the simulated network unchanged.
 */

/** A Raft member id (unique within a cluster). */
export type RaftId = string;

/** A change of membership, one voter at a time (Raft §6, single-server changes). */
export interface ConfChange {
  op: 'addVoter' | 'removeVoter';
  id: RaftId;
}

/** A log entry. `data` is opaque to Raft; `null` is the no-op a new leader appends (Raft §8). */
export type Entry =
  | { index: number; term: number; type: 'normal'; data: unknown }
  | { index: number; term: number; type: 'confChange'; change: ConfChange };

/** The voters of a configuration. */
export interface ConfState {
  voters: RaftId[];
}

/** A snapshot of the state machine up to and including `index`. `data` is opaque to Raft. */
export interface Snapshot {
  index: number;
  term: number;
  conf: ConfState;
  data: unknown;
}

/** State that must be on stable storage before messages are sent (Figure 2, "Persistent state"). */
export interface HardState {
  term: number;
  vote: RaftId | null;
  commit: number;
}

/** The message types, named after the paper's RPCs (plus etcd's heartbeat and PreVote). */
export type MessageType =
  | 'RequestVote'
  | 'RequestVoteResponse'
  | 'PreVote'
  | 'PreVoteResponse'
  | 'AppendEntries'
  | 'AppendEntriesResponse'
  | 'Heartbeat'
  | 'HeartbeatResponse'
  | 'InstallSnapshot'
  | 'TimeoutNow';

/** A Raft message. Fields not used by a type are left at their defaults. */
export interface Message {
  type: MessageType;
  from: RaftId;
  to: RaftId;
  term: number;
  /** RequestVote/PreVote: the candidate's last log index. AppendEntries: prevLogIndex. Responses: the index acknowledged or rejected. */
  index: number;
  /** RequestVote/PreVote: the candidate's last log term. AppendEntries: prevLogTerm. Rejections: the term at rejectHint. */
  logTerm: number;
  /** AppendEntries: the entries to append. */
  entries?: Entry[];
  /** AppendEntries/Heartbeat: the leader's commit index. */
  commit?: number;
  /** Responses: true when the request was refused (vote denied, log mismatch). */
  reject?: boolean;
  /** AppendEntriesResponse rejection: the follower's hint for the next probe (fast backtracking, §5.3). */
  rejectHint?: number;
  /** InstallSnapshot: the snapshot. */
  snapshot?: Snapshot;
}

/** Volatile state the host may display but need not persist. */
export interface SoftState {
  role: RaftRole;
  leader: RaftId | null;
}

/** The roles of a Raft node (precandidate only with PreVote). */
export type RaftRole = 'follower' | 'precandidate' | 'candidate' | 'leader';

/**
 * What the host must do next, in order: persist `snapshot`, `entries` and `hardState`; send
 * `messages`; apply `snapshot` then `committedEntries`; then call `advance(ready)`.
 */
export interface Ready {
  softState: SoftState | null;
  hardState: HardState | null;
  /** Entries to write to stable storage; an entry at an index already stored replaces it and every later one. */
  entries: Entry[];
  /** A snapshot received from the leader, to persist and install into the state machine. */
  snapshot: Snapshot | null;
  /** Committed entries to apply, in index order. */
  committedEntries: Entry[];
  /** Messages to send after the state above is persisted. */
  messages: Message[];
}

/** Tunables of one node, in ticks. */
export interface RaftConfig {
  id: RaftId;
  /** Leader heartbeat interval, in ticks. */
  heartbeatTicks: number;
  /** Smallest randomized election timeout, in ticks (also the CheckQuorum and vote-lease period). */
  electionTimeoutTicksMin: number;
  /** Largest randomized election timeout, in ticks (inclusive). */
  electionTimeoutTicksMax: number;
  /** A leader that has not heard from a majority for an election timeout steps down (Swarm enables it). */
  checkQuorum: boolean;
  /** Run a PreVote round before incrementing the term (Raft thesis §9.6). */
  preVote: boolean;
  /** The most entries one AppendEntries carries. */
  maxEntriesPerMessage: number;
  /** The most AppendEntries in flight to one follower while replicating. */
  maxInflightMessages: number;
}
