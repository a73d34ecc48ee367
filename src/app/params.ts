/** The page's URL parameters (contracts.md §4): `?seed=N` (default 1) and `?timing=paper|swarm` (default paper). */
import type { TimingName } from '../sim/raft/presets';

/** The session a URL asks for. */
export interface PageParams {
  seed: number;
  timing: TimingName;
}

/** Reads `?seed=` (a whole number 0…2³²−1, else 1) and `?timing=` (`swarm`, else `paper`). */
export function parsePageParams(search: string): PageParams {
  const q = new URLSearchParams(search);
  const seedText = q.get('seed') ?? '';
  const seed = /^\d{1,10}$/.test(seedText) && Number(seedText) <= 0xffffffff ? Number(seedText) : 1;
  const timing: TimingName = q.get('timing') === 'swarm' ? 'swarm' : 'paper';
  return { seed, timing };
}

/** The initial speed for a preset: paper's 150 ms elections are watchable at 0.1×, swarm's 10 s ones at 1×. */
export function defaultSpeed(timing: TimingName): number {
  return timing === 'paper' ? 0.1 : 1;
}
