/**
 * `npm run test:chaos`: many chaos seeds outside `npm test` (default 10,000), reporting how many
 * passed and the command that replays each failure. Exit 1 when any seed failed.
 */
import { runChaos } from '../sim/cluster/ChaosRun';
import { intFlag, parseArgs } from './args';

const args = parseArgs(process.argv.slice(2));
const seeds = intFlag(args, 'seeds', 10_000);
const first = intFlag(args, 'from', 1);
const durationMs = intFlag(args, 'duration-s', 600) * 1000;
let passed = 0;
const failed: string[] = [];
for (let seed = first; seed < first + seeds; seed++) {
  const managers = seed % 2 === 1 ? 5 : 3;
  const r = runChaos({ seed, managers, workers: 2, durationMs, timing: 'swarm' });
  if (r.ok) passed++;
  else {
    failed.push(`chaos --seed ${seed} --managers ${managers} --workers 2 --duration ${durationMs / 1000}s: ${r.failure?.split('\n')[0]}`);
    process.stdout.write(`FAILED ${failed.at(-1)}\n`);
  }
  if ((seed - first + 1) % 1000 === 0) process.stdout.write(`${seed - first + 1} seeds run, ${failed.length} failed\n`);
}
process.stdout.write(`chaos seeds: ${passed} passed, ${failed.length} failed (of ${seeds}, swarm timing, ${durationMs / 1000}s each)\n`);
process.exitCode = failed.length === 0 ? 0 : 1;
