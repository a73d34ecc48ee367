/**
 * Checkers for the safety properties of Raft's Figure 3, fed by the cluster after every event:
 * Election Safety, Leader Append-Only, Log Matching, Leader Completeness and State Machine
 * Safety. Each check is incremental (constant work per observation) so it can run after every
 * simulated event of a long chaos run.
 */
import { hashString32 } from '../core/Rng';

/** A violated invariant. */
export interface InvariantViolation {
  invariant: 'election-safety' | 'leader-append-only' | 'log-matching' | 'leader-completeness' | 'state-machine-safety' | 'liveness';
  detail: string;
}

/** The hash chain value of the empty log prefix (index 0). */
export const EMPTY_CHAIN = 0;

/** The chain value of an entry: a hash of the previous chain value, the term and the description. */
export function chainNext(prev: number, term: number, description: string): number {
  return hashString32(`${prev}|${term}|${description}`);
}

/** Accumulates observations from every node and records violations. */
export class RaftInvariants {
  readonly violations: InvariantViolation[] = [];
  private readonly leaderOfTerm = new Map<number, string>();
  /** (index, term) → chain value: Log Matching says all nodes agree on it. */
  private readonly chainByIndexTerm = new Map<string, number>();
  /** index → chain value of the committed prefix up to that index. */
  private readonly committedChain = new Map<number, number>();
  private highestCommitted = 0;
  /** index → description of the entry applied there. */
  private readonly appliedAt = new Map<number, { term: number; entry: string; node: string }>();
  /** The last entry a leader held, per (node, term), for Leader Append-Only. */
  private readonly leaderLast = new Map<string, { index: number; term: number }>();

  private fail(invariant: InvariantViolation['invariant'], detail: string): void {
    this.violations.push({ invariant, detail });
  }

  /** True while no violation was recorded. */
  get ok(): boolean {
    return this.violations.length === 0;
  }

  /** Raft §5.2 Election Safety: at most one leader per term. */
  observeLeader(node: string, term: number, chainAtCommitted: (index: number) => number | undefined, snapshotIndex: number): void {
    const prev = this.leaderOfTerm.get(term);
    if (prev !== undefined && prev !== node) {
      this.fail('election-safety', `term ${term} has two leaders: ${prev} and ${node}`);
    } else {
      this.leaderOfTerm.set(term, node);
    }
    // Raft §5.4 Leader Completeness: every entry committed so far is in the new leader's log.
    const c = this.highestCommitted;
    if (c > snapshotIndex) {
      const mine = chainAtCommitted(c);
      if (mine !== this.committedChain.get(c)) {
        this.fail('leader-completeness', `${node} leads term ${term} without committed entry ${c}`);
      }
    }
  }

  /** Raft §5.3 Leader Append-Only: a leader's last entry is never removed while it leads its term. */
  observeLeaderLog(node: string, term: number, lastIndex: number, termAt: (index: number) => number | undefined): void {
    const key = `${node}@${term}`;
    const prev = this.leaderLast.get(key);
    if (prev && (lastIndex < prev.index || termAt(prev.index) !== prev.term)) {
      this.fail('leader-append-only', `${node} (leader of term ${term}) lost entry ${prev.index}`);
    }
    const t = termAt(lastIndex);
    if (t !== undefined) this.leaderLast.set(key, { index: lastIndex, term: t });
  }

  /** Forgets leader bookkeeping for a node that stopped leading (or crashed). */
  leaderStopped(node: string, term: number): void {
    this.leaderLast.delete(`${node}@${term}`);
  }

  /** Raft §5.3 Log Matching: the same (index, term) means the same prefix, on every node. */
  observeStoredEntry(node: string, index: number, term: number, chain: number): void {
    const key = `${index}:${term}`;
    const known = this.chainByIndexTerm.get(key);
    if (known === undefined) this.chainByIndexTerm.set(key, chain);
    else if (known !== chain) this.fail('log-matching', `${node} holds entry ${index} of term ${term} with a different prefix`);
  }

  /** A node advanced its commit index: committed prefixes must agree and never change. */
  observeCommit(node: string, index: number, chain: number | undefined): void {
    if (chain === undefined) return;
    const known = this.committedChain.get(index);
    if (known === undefined) this.committedChain.set(index, chain);
    else if (known !== chain) this.fail('state-machine-safety', `${node} committed a different entry ${index}`);
    if (index > this.highestCommitted) this.highestCommitted = index;
  }

  /** Raft §5.4.3 State Machine Safety: no two nodes apply different entries at an index. */
  observeApply(node: string, index: number, term: number, entry: string): void {
    const prev = this.appliedAt.get(index);
    if (!prev) this.appliedAt.set(index, { term, entry, node });
    else if (prev.term !== term || prev.entry !== entry) {
      this.fail('state-machine-safety', `index ${index} applied as (${prev.term}, ${prev.entry}) on ${prev.node} but (${term}, ${entry}) on ${node}`);
    }
  }

  /** Records a failed liveness check. */
  failLiveness(detail: string): void {
    this.fail('liveness', detail);
  }

  /** The highest index known committed anywhere. */
  get highestCommittedIndex(): number {
    return this.highestCommitted;
  }

  /** What was applied at `index`, if any node applied it. */
  appliedEntry(index: number): { term: number; entry: string } | undefined {
    return this.appliedAt.get(index);
  }
}
