/**
 * A seeded chaos run (contracts.md §1, `chaos`): a cluster of managers (and worker instances)
 * under random faults and client operations for the first two thirds of the run, then healed
 * and left to settle; checkers run after every event and liveness is checked at the end.
 * Until the swarm control plane exists, client operations are opaque `put` commands proposed to
 * whichever manager leads (retried while there is none); workers are fault targets only.
 */
import { Rng } from '../core/Rng';
import type { TraceSink } from '../core/trace';
import type { LinkConditions } from '../net/SimNetwork';
import { timingPreset, type TimingName } from '../raft/presets';
import type { Entry } from '../raft/types';
import { InvariantError, SimCluster } from './SimCluster';
import { KvStateMachine, type PutOp } from './StateMachine';

/** Options of a chaos run. */
export interface ChaosOptions {
  seed: number;
  managers?: number;
  workers?: number;
  /** Total virtual duration, in milliseconds (default 600 s). */
  durationMs?: number;
  timing?: TimingName;
  trace?: TraceSink;
  traceMessages?: boolean;
  /** Entries between snapshots (default 64, small so InstallSnapshot is exercised). */
  snapshotEveryEntries?: number;
  /** Run PreVote (default: the preset's, off). */
  preVote?: boolean;
  /** Also add and remove managers (one Raft voter at a time) under the faults (default true). */
  membershipChanges?: boolean;
}

/** What a chaos run did and whether its checks held. */
export interface ChaosResult {
  ok: boolean;
  seed: number;
  /** The first failed check, when not ok. */
  failure: string | null;
  faults: number;
  /** Membership changes proposed and accepted by a leader. */
  membershipChanges: number;
  proposals: number;
  acknowledged: number;
  leaderChanges: number;
  finalCommit: number;
  /** Virtual ms from the final heal to convergence (one leader, all applied), or -1. */
  settleMs: number;
  events: number;
  virtualMs: number;
}

interface PendingOp {
  op: PutOp;
  proposedAtMs: number;
  index: number;
  term: number;
}

/** Runs one chaos scenario; never throws for a Raft failure (it is reported in the result). */
export function runChaos(options: ChaosOptions): ChaosResult {
  const managers = options.managers ?? 5;
  const workers = options.workers ?? 3;
  const durationMs = options.durationMs ?? 600_000;
  const preset = timingPreset(options.timing ?? 'swarm');
  const rng = new Rng(options.seed).fork('chaos');
  const managerIds = Array.from({ length: managers }, (_, i) => `node${i + 1}`);
  const workerIds = Array.from({ length: workers }, (_, i) => `node${managers + i + 1}`);
  const cluster = new SimCluster({
    seed: options.seed,
    timing: preset,
    voters: managerIds,
    trace: options.trace,
    traceMessages: options.traceMessages ?? false,
    snapshotEveryEntries: options.snapshotEveryEntries ?? 64,
    raft: options.preVote === undefined ? {} : { preVote: options.preVote },
  });
  for (const w of workerIds) cluster.addWorker(w);
  const allIds = [...managerIds, ...workerIds];
  let nextNodeNumber = managers + workers + 1;
  const membershipChanges = options.membershipChanges ?? true;
  const electionMs = preset.tickMs * preset.raft.electionTimeoutTicksMax;
  const baseLink: LinkConditions = cluster.network.getDefaults();

  const result: ChaosResult = {
    ok: true,
    seed: options.seed,
    failure: null,
    faults: 0,
    membershipChanges: 0,
    proposals: 0,
    acknowledged: 0,
    leaderChanges: 0,
    finalCommit: 0,
    settleMs: -1,
    events: 0,
    virtualMs: 0,
  };

  // ---- the client: proposes puts to the leader, retries lost ones, records acknowledgements.
  let serial = 0;
  const pending = new Map<number, PendingOp>();
  const acked = new Map<number, PutOp>();
  const waiting: PutOp[] = [];
  cluster.applyListeners.push((_node: string, e: Entry) => {
    if (e.type !== 'normal' || e.data === null) return;
    const op = e.data as PutOp;
    const p = pending.get(op.serial);
    if (p && p.index === e.index && p.term === e.term) {
      pending.delete(op.serial);
      acked.set(op.serial, op);
    }
  });
  const propose = (op: PutOp): void => {
    const leader = cluster.leader();
    if (!leader) {
      waiting.push(op);
      return;
    }
    const r = cluster.propose(op, leader);
    if (r.ok) {
      result.proposals++;
      pending.set(op.serial, { op, proposedAtMs: cluster.now(), index: r.index, term: r.term });
    } else waiting.push(op);
  };
  const clientTick = (): void => {
    // Retry operations whose entry was lost (leader deposed, entry overwritten) after a timeout.
    for (const [s, p] of pending) {
      if (cluster.now() - p.proposedAtMs > 2 * electionMs && !acked.has(s)) {
        pending.delete(s);
        waiting.push(p.op);
      }
    }
    retryJoins();
    sweepRemoved();
    const retry = waiting.splice(0);
    for (const op of retry) propose(op);
    if (cluster.now() < durationMs * 0.9) {
      const n = rng.intBetween(1, 3);
      for (let i = 0; i < n; i++) {
        serial++;
        propose({ op: 'put', key: `k${rng.intBetween(1, 20)}`, value: `v${serial}`, serial });
      }
    }
  };

  // ---- the fault injector.
  const faultUntilMs = Math.floor((durationMs * 2) / 3);
  const crashed = new Set<string>();
  const isolated = new Set<string>();
  // One membership change at a time, proposed to the leader: remove a voter (never below three)
  // or add a new manager that joins with an empty disk.
  // A manager that left the Raft group is decommissioned: its instance is deleted. One removed
  // while it was cut off learns it when it next talks to a member; one that never talks (it
  // joined and was removed inside a partition) is deleted once the network is healed.
  const decommission = (id: string): void => {
    if (!cluster.nodeIds().includes(id)) return;
    cluster.deleteNode(id);
    for (const list of [allIds, managerIds]) list.splice(list.indexOf(id), 1);
    crashed.delete(id);
    isolated.delete(id);
    joiners.delete(id);
  };
  cluster.leaveListeners.push((id) => cluster.scheduler.after(0, () => decommission(id)));
  const removed = new Set<string>();
  cluster.applyListeners.push((node: string, e: Entry) => {
    if (e.type === 'confChange' && e.change.op === 'removeVoter' && node === cluster.leader()) removed.add(e.change.id);
  });
  const sweepRemoved = (): void => {
    if (healedAtMs < 0) return;
    for (const id of removed) decommission(id);
    removed.clear();
  };
  const joiners = new Set<string>();
  /** A join whose change was lost (leader deposed) is proposed again, as `docker swarm join` retries. */
  const retryJoins = (): void => {
    const leader = cluster.leader();
    if (!leader || joiners.size === 0) return;
    const voters = cluster.node(leader).raft!.status().voters;
    for (const id of joiners) {
      if (voters.includes(id)) joiners.delete(id);
      else if (cluster.proposeConfChange({ op: 'addVoter', id }, leader).ok) return;
    }
  };
  const changeMembership = (): void => {
    const leader = cluster.leader();
    if (!leader) return;
    const voters = cluster.node(leader).raft!.status().voters;
    if (voters.length > 3 && (rng.chance(0.5) || voters.length >= managers + 2)) {
      const victim = rng.pick(voters);
      if (cluster.proposeConfChange({ op: 'removeVoter', id: victim }, leader).ok) result.membershipChanges++;
    } else {
      const id = `node${nextNodeNumber++}`;
      cluster.addNode(id);
      allIds.push(id);
      managerIds.push(id);
      joiners.add(id);
      if (cluster.proposeConfChange({ op: 'addVoter', id }, leader).ok) result.membershipChanges++;
    }
  };

  const injectFault = (): void => {
    result.faults++;
    if (membershipChanges && rng.chance(0.25)) {
      changeMembership();
      return;
    }
    const roll = rng.next();
    const up = allIds.filter((id) => !crashed.has(id));
    if (roll < 0.2 && up.length > 0) {
      const leader = cluster.leader();
      const victim = leader && rng.chance(0.5) ? leader : rng.pick(up);
      cluster.crash(victim);
      crashed.add(victim);
    } else if (roll < 0.4 && crashed.size > 0) {
      const id = rng.pick([...crashed]);
      cluster.restart(id);
      crashed.delete(id);
    } else if (roll < 0.5) {
      const id = rng.pick(allIds);
      cluster.isolate(id);
      isolated.add(id);
    } else if (roll < 0.58 && isolated.size > 0) {
      const id = rng.pick([...isolated]);
      cluster.reconnect(id);
      isolated.delete(id);
    } else if (roll < 0.68) {
      const shuffled = allIds.map((id) => ({ id, k: rng.next() }));
      shuffled.sort((a, b) => a.k - b.k);
      const cut = rng.intBetween(1, allIds.length - 1);
      cluster.partition([shuffled.slice(0, cut).map((x) => x.id), shuffled.slice(cut).map((x) => x.id)]);
    } else if (roll < 0.76) {
      cluster.heal();
      isolated.clear();
    } else if (roll < 0.84) {
      cluster.setLoss(rng.chance(0.3) ? 0 : Math.round(rng.next() * 30) / 100);
    } else if (roll < 0.92) {
      const conditions: LinkConditions = {
        ...baseLink,
        duplicateRate: Math.round(rng.next() * 20) / 100,
        reorderRate: Math.round(rng.next() * 30) / 100,
        reorderDelayMsMax: Math.max(1, baseLink.latencyMsMax * rng.intBetween(2, 20)),
      };
      cluster.network.setDefaults(rng.chance(0.25) ? baseLink : conditions);
    } else {
      const live = managerIds.filter((id) => !crashed.has(id));
      if (live.length > 0) cluster.campaign(rng.pick(live));
    }
  };

  const schedule = (atMs: number, fn: () => void): void => {
    cluster.scheduler.at(atMs, fn);
  };
  const clientEvery = (): number => rng.intBetween(Math.ceil(electionMs / 20), Math.ceil(electionMs / 4));
  const loopClient = (): void => {
    clientTick();
    if (cluster.now() < durationMs) schedule(cluster.now() + clientEvery(), loopClient);
  };
  const faultEvery = (): number => rng.intBetween(Math.ceil(electionMs / 4), electionMs * 2);
  const loopFaults = (): void => {
    if (cluster.now() >= faultUntilMs) return;
    injectFault();
    schedule(cluster.now() + faultEvery(), loopFaults);
  };
  schedule(electionMs, loopClient);
  schedule(electionMs * 2, loopFaults);
  let healedAtMs = -1;
  schedule(faultUntilMs, () => {
    cluster.heal();
    cluster.network.setDefaults(baseLink);
    isolated.clear();
    for (const id of crashed) cluster.restart(id);
    crashed.clear();
    healedAtMs = cluster.now();
  });

  let lastLeader: string | null = null;
  try {
    const endMs = durationMs;
    while (cluster.scheduler.peekMs() <= endMs) {
      cluster.scheduler.step();
      cluster.assertNoViolation();
      const l = cluster.leader();
      if (l !== lastLeader && l !== null) result.leaderChanges++;
      lastLeader = l;
      if (healedAtMs >= 0 && result.settleMs < 0 && cluster.now() >= healedAtMs && pending.size === 0 && waiting.length === 0 && cluster.converged()) {
        result.settleMs = cluster.now() - healedAtMs;
      }
    }
    cluster.scheduler.runUntil(endMs);
  } catch (e) {
    result.ok = false;
    result.failure = e instanceof InvariantError ? e.message : `exception: ${(e as Error).stack ?? String(e)}`;
    result.failure += `\n  ${cluster.describe().join('\n  ')}`;
  }
  result.events = cluster.scheduler.executedCount;
  result.virtualMs = cluster.now();
  result.acknowledged = acked.size;
  if (!result.ok) return result;

  // ---- liveness and durability at the end.
  const fail = (why: string): ChaosResult => {
    cluster.invariants.failLiveness(why);
    result.ok = false;
    result.failure = `liveness: ${why}\n  ${cluster.describe().join('\n  ')}`;
    return result;
  };
  if (!cluster.converged()) return fail(`no convergence ${durationMs - faultUntilMs} ms after healing (leader ${cluster.leader() ?? 'none'})`);
  const live = cluster.members();
  result.finalCommit = live[0]!.appliedIndex;
  const digests = new Set(live.map((n) => n.stateMachine.digest()));
  if (digests.size !== 1) return fail('live managers hold different states');
  for (const [s, op] of acked) {
    for (const n of live) {
      if (!(n.stateMachine as KvStateMachine).hasApplied(s)) return fail(`${n.id} lost acknowledged operation #${s} (${op.key}=${op.value})`);
    }
  }
  if (joiners.size > 0) return fail(`managers never joined: ${[...joiners].join(', ')}`);
  if (pending.size > 0 || waiting.length > 0) return fail(`${pending.size + waiting.length} client operations never committed after healing`);
  return result;
}
