/**
 * The two timing presets. `swarm` is swarmkit's: a 1 s tick, heartbeat every tick, election
 * timeout randomized in [10, 20) ticks, CheckQuorum on, PreVote off. `paper` is the Raft paper's:
 * a 1 ms tick, heartbeat 50 ms, election timeout 150–300 ms. Speed is a host control, never a
 * change to these numbers.
 */
import type { LinkConditions } from '../net/SimNetwork';
import type { RaftConfig } from './types';

/** A timing preset name. */
export type TimingName = 'swarm' | 'paper';

/** The timing of a preset: tick length, Raft tunables and default link conditions. */
export interface TimingPreset {
  name: TimingName;
  /** Virtual milliseconds per Raft tick. */
  tickMs: number;
  raft: Omit<RaftConfig, 'id'>;
  /** Default network conditions between nodes. */
  link: LinkConditions;
}

const noFaults = { lossRate: 0, duplicateRate: 0, reorderRate: 0, reorderDelayMsMax: 0 };

/** swarmkit's settings (manager/state/raft: TickInterval 1 s, HeartbeatTick 1, ElectionTick 10, CheckQuorum). */
export const swarmTiming: TimingPreset = {
  name: 'swarm',
  tickMs: 1000,
  raft: {
    heartbeatTicks: 1,
    electionTimeoutTicksMin: 10,
    electionTimeoutTicksMax: 19,
    checkQuorum: true,
    preVote: false,
    maxEntriesPerMessage: 64,
    maxInflightMessages: 256,
  },
  link: { latencyMsMin: 1, latencyMsMax: 3, ...noFaults },
};

/** The Raft paper's recommendation (§5.2, §9.3): heartbeat 50 ms, election 150–300 ms, ~15 ms broadcast. */
export const paperTiming: TimingPreset = {
  name: 'paper',
  tickMs: 1,
  raft: {
    heartbeatTicks: 50,
    electionTimeoutTicksMin: 150,
    electionTimeoutTicksMax: 300,
    checkQuorum: true,
    preVote: false,
    maxEntriesPerMessage: 64,
    maxInflightMessages: 256,
  },
  link: { latencyMsMin: 5, latencyMsMax: 9, ...noFaults },
};

/** The preset with this name. */
export function timingPreset(name: TimingName): TimingPreset {
  return name === 'swarm' ? swarmTiming : paperTiming;
}
