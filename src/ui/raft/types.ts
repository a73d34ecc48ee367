/**
 * The plain data the Raft views draw: what a host's session snapshot provides (today
 * `src/host/session/RaftSession`, later the store's projection of the hub). Views never reach
 * into the simulation; they are functions of this data.
 */

/** A manager's Raft role, or `down` while it is crashed. */
export type NodeRoleView = 'follower' | 'candidate' | 'precandidate' | 'leader' | 'down';

/** One node as the views draw it. */
export interface NodeView {
  hostname: string;
  up: boolean;
  /** Every link of the node is cut. */
  disconnected: boolean;
  role: NodeRoleView;
  term: number;
  votedFor: string | null;
  /** The leader this node knows of. */
  leader: string | null;
  commit: number;
  logLength: number;
  electionElapsedTicks: number;
  electionTimeoutTicks: number;
}

/** A role change or a fault from the trace; `seq` numbers the session's events (a stable key). */
export type ClusterEventView =
  | { seq: number; t: number; ev: 'role'; node: string; role: string; term: number }
  | { seq: number; t: number; ev: 'fault'; kind: string; nodes: string[] };

/** The last client command proposed from the page. */
export interface ProposalView {
  serial: number;
  command: string;
  atMs: number;
  appended: { via: string; index: number; term: number } | null;
  error: string | null;
  committedAtMs: number | null;
}

/** The whole cluster as the page draws it. */
export interface ClusterView {
  seed: number;
  timing: 'paper' | 'swarm';
  /** Virtual milliseconds per Raft tick. */
  tickMs: number;
  nowMs: number;
  leader: string | null;
  nodes: NodeView[];
  /** Recent role changes and faults, oldest first. */
  recent: ClusterEventView[];
  proposal: ProposalView | null;
  failure: string | null;
}

/** What a person can do to a node. */
export type NodeAction = 'crash' | 'restart' | 'disconnect' | 'reconnect';
