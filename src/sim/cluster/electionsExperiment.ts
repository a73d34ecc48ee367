/**
 * The Raft paper's Figure 16 experiment (§9.3): a cluster of five servers with a broadcast time
 * of about 15 ms; the leader is crashed at a uniformly random moment within its heartbeat
 * interval (half the minimum election timeout) and the time until another server becomes leader
 * is recorded. Each trial then restarts the crashed server and waits until it has caught up.
 */
import { Rng } from '../core/Rng';
import type { TraceSink } from '../core/trace';
import { paperTiming, type TimingPreset } from '../raft/presets';
import { SimCluster } from './SimCluster';

/** Options of the elections experiment. */
export interface ElectionsOptions {
  trials: number;
  /** Election timeout range, in ms (uniform, both inclusive). */
  electionMsMin: number;
  electionMsMax: number;
  seed?: number;
  servers?: number;
  trace?: TraceSink;
  /** A trial without a new leader after this long counts as this long (default 100 s). */
  trialCapMs?: number;
  /** Enable CheckQuorum and its vote lease (the paper's LogCabin had neither; default false). */
  checkQuorum?: boolean;
  /** One-way network latency range in ms (default: the paper preset's 5–9 ms). */
  latencyMsMin?: number;
  latencyMsMax?: number;
}

/** Downtime statistics, in virtual milliseconds. */
export interface ElectionsResult {
  trials: number;
  /** Each trial's time from the crash to a new leader, sorted ascending. */
  downtimesMs: number[];
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Trials that reached the cap without a new leader. */
  capped: number;
}

/** Quantile as election-stats.mjs computes it: the element at floor(p·n), clamped. */
export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Runs the experiment. Deterministic for a given seed. */
export function runElections(options: ElectionsOptions): ElectionsResult {
  const servers = options.servers ?? 5;
  const capMs = options.trialCapMs ?? 100_000;
  const heartbeatMs = Math.max(1, Math.floor(options.electionMsMin / 2));
  const timing: TimingPreset = {
    ...paperTiming,
    raft: {
      ...paperTiming.raft,
      heartbeatTicks: heartbeatMs,
      electionTimeoutTicksMin: options.electionMsMin,
      electionTimeoutTicksMax: options.electionMsMax,
      checkQuorum: options.checkQuorum ?? false,
    },
    link: {
      ...paperTiming.link,
      latencyMsMin: options.latencyMsMin ?? paperTiming.link.latencyMsMin,
      latencyMsMax: options.latencyMsMax ?? paperTiming.link.latencyMsMax,
    },
  };
  const seed = options.seed ?? 1;
  const rng = new Rng(seed).fork('elections');
  const ids = Array.from({ length: servers }, (_, i) => `node${i + 1}`);
  const cluster = new SimCluster({ seed, timing, voters: ids, trace: options.trace, snapshotEveryEntries: 1000 });
  const downtimes: number[] = [];
  let capped = 0;
  let serial = 0;
  let skipped = 0;

  const caughtUp = (): boolean => {
    const leader = cluster.leader();
    if (!leader) return false;
    const commit = cluster.node(leader).raft!.status().commit;
    return cluster.liveMembers().length === servers && cluster.liveMembers().every((n) => n.appliedIndex === commit);
  };

  for (let trial = 0; trial < options.trials; trial++) {
    // A stable cluster with every server caught up (the previous victim restarted).
    cluster.runUntil(caughtUp, capMs * 10);
    // Logs of different lengths: a client command in flight when the leader dies.
    serial++;
    cluster.propose({ op: 'put', key: 'x', value: `${serial}`, serial });
    // Crash the leader at a uniformly random moment within its heartbeat interval.
    cluster.runFor(rng.intBetween(0, heartbeatMs - 1));
    const victim = cluster.leader();
    if (!victim) {
      // Leadership changed on its own during the wait; measure this trial again (bounded).
      if (++skipped <= options.trials) trial--;
      continue;
    }
    cluster.crash(victim);
    const crashedAt = cluster.now();
    const elected = cluster.runUntil(() => {
      const l = cluster.leader();
      return l !== null && l !== victim;
    }, capMs);
    if (elected) downtimes.push(cluster.now() - crashedAt);
    else {
      downtimes.push(capMs);
      capped++;
    }
    cluster.restart(victim);
  }
  downtimes.sort((a, b) => a - b);
  const meanMs = downtimes.reduce((a, b) => a + b, 0) / Math.max(1, downtimes.length);
  return {
    trials: downtimes.length,
    downtimesMs: downtimes,
    medianMs: quantile(downtimes, 0.5),
    p99Ms: quantile(downtimes, 0.99),
    maxMs: downtimes.at(-1) ?? 0,
    meanMs,
    capped,
  };
}
