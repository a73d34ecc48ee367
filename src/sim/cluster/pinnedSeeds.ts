/**
 * Chaos seeds that once failed, kept as regression tests forever (with the CLI arguments that
 * reproduce them: `npm run -s sim -- chaos --seed N --managers M --workers W`). A later change to
 * the simulation (FIFO links) changed these seeds' trajectories, so each bug also has a
 * deterministic unit test named after its seeds.
 */
export interface PinnedSeed {
  seed: number;
  managers: number;
  workers: number;
  timing: 'swarm' | 'paper';
  /** What went wrong before the fix. */
  bug: string;
}

/** Every chaos seed that ever failed. */
export const pinnedChaosSeeds: PinnedSeed[] = [
  {
    seed: 17,
    managers: 5,
    workers: 2,
    timing: 'swarm',
    bug: 'leader kept a follower in Snapshot state after the follower installed an older snapshot and the log was compacted again: no convergence after healing',
  },
  {
    seed: 50,
    managers: 3,
    workers: 2,
    timing: 'swarm',
    bug: 'same as seed 17 (node3 stuck at index 187 behind a compacted leader); unit test: src/sim/raft/snapshot.test.ts',
  },
];
