/**
 * `npm run bench`: the measured figures of the README. Prints a Markdown report and writes it to
 * `.bench/results.md`. Wall-clock time is read here (src/cli), never inside src/sim.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SimCluster } from '../sim/cluster/SimCluster';
import { runElections } from '../sim/cluster/electionsExperiment';
import type { TimingName } from '../sim/raft/presets';

const lines: string[] = [];
const say = (line: string): void => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

// Figure 16 (Raft paper §9.3): 5 servers, ~15 ms broadcast, leader crashed within its heartbeat.
const paper: Record<string, string> = {
  '150-150': '> 10 s (many split votes)',
  '150-155': 'median 287 ms',
  '150-200': 'worst 513 ms',
};
say('## Figure 16: time without a leader after the leader crashes (5 servers, virtual ms)');
say('');
say('One-way latency 5–9 ms (the `paper` preset, ≈15 ms broadcast) and 3–5 ms (≈8 ms round trip).');
say('');
say('| election timeout | trials | median | p99 | max | median, max at 3–5 ms | paper |');
say('|---|---|---|---|---|---|---|');
for (const [min, max] of [
  [150, 150],
  [150, 151],
  [150, 155],
  [150, 175],
  [150, 200],
  [150, 300],
] as const) {
  const range = `${min}-${max}`;
  const r = runElections({ trials: 1000, electionMsMin: min, electionMsMax: max });
  const fast = runElections({ trials: 1000, electionMsMin: min, electionMsMax: max, latencyMsMin: 3, latencyMsMax: 5 });
  say(
    `| ${range} ms | ${r.trials} | ${r.medianMs} ms | ${r.p99Ms} ms | ${r.maxMs} ms | ${fast.medianMs} ms, ${fast.maxMs} ms | ${paper[range] ?? ''} |`,
  );
}

// Simulation speed: 5 managers under each preset, a client proposing steadily.
say('');
say('## Simulation speed (5 managers, one client command per heartbeat interval, checkers on)');
say('');
say('| timing | virtual time | wall time | events | virtual s per wall s |');
say('|---|---|---|---|---|');
for (const [timing, virtualMs] of [
  ['swarm', 3_600_000],
  ['paper', 120_000],
] as [TimingName, number][]) {
  const cluster = new SimCluster({ seed: 1, timing, voters: ['node1', 'node2', 'node3', 'node4', 'node5'] });
  const heartbeatMs = cluster.timing.tickMs * cluster.timing.raft.heartbeatTicks;
  let serial = 0;
  const client = (): void => {
    serial++;
    cluster.propose({ op: 'put', key: `k${serial % 50}`, value: `${serial}`, serial });
    cluster.scheduler.after(heartbeatMs, client);
  };
  cluster.scheduler.after(heartbeatMs, client);
  const t0 = performance.now();
  cluster.runFor(virtualMs);
  const wallMs = performance.now() - t0;
  const speed = virtualMs / wallMs;
  say(
    `| ${timing} | ${virtualMs / 1000} s | ${wallMs.toFixed(0)} ms | ${cluster.scheduler.executedCount} | ${Math.round(speed).toLocaleString('en-US')}× |`,
  );
}

mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/results.md', `${lines.join('\n')}\n`);
