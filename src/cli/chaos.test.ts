/**
 * Seeded chaos inside `npm test`: 500 seeds (some with PreVote, some with paper timing) with the
 * checkers after every event, plus every seed that ever failed. `SEED=n npx vitest run
 * src/cli/chaos.test.ts` runs just seed n; the test name carries the CLI command that replays it.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, type ChaosOptions } from '../sim/cluster/ChaosRun';
import { pinnedChaosSeeds } from '../sim/cluster/pinnedSeeds';

const only = process.env.SEED === undefined ? undefined : Number(process.env.SEED);

interface Case extends ChaosOptions {
  seed: number;
  managers: number;
  workers: number;
  durationMs: number;
  timing: 'swarm' | 'paper';
}

function command(c: Case): string {
  return `chaos --seed ${c.seed} --managers ${c.managers} --workers ${c.workers} --duration ${c.durationMs / 1000}s --timing ${c.timing}${c.preVote ? ' --prevote' : ''}`;
}

const cases: Case[] = [];
for (let seed = 1; seed <= 500; seed++) {
  // Seeds alternate between 5 and 3 managers; every tenth runs the paper timing for 30 s and
  // every seventh runs with PreVote (swarmkit leaves it off; the option must hold up too).
  const paper = seed % 10 === 0;
  cases.push({
    seed,
    managers: seed % 2 === 1 ? 5 : 3,
    workers: 2,
    timing: paper ? 'paper' : 'swarm',
    durationMs: paper ? 30_000 : 600_000,
    ...(seed % 7 === 0 ? { preVote: true } : {}),
  });
}
const pinned: (Case & { bug: string })[] = pinnedChaosSeeds.map((p) => ({ ...p, durationMs: 600_000 }));

function check(c: Case): void {
  const r = runChaos(c);
  expect(r.failure, `${command(c)} failed`).toBeNull();
  expect(r.ok).toBe(true);
  // The run did real work: faults were injected and client operations committed.
  expect(r.faults).toBeGreaterThan(0);
  expect(r.acknowledged).toBeGreaterThan(0);
}

describe('seeded chaos (checkers after every event)', () => {
  for (const c of cases) {
    if (only !== undefined && c.seed !== only) continue;
    it(`seed ${c.seed}: ${command(c)}`, () => check(c));
  }
});

describe('pinned chaos seeds (each once failed)', () => {
  for (const c of pinned) {
    if (only !== undefined && c.seed !== only) continue;
    it(`seed ${c.seed}: ${command(c)} — ${c.bug}`, () => check(c));
  }
});
