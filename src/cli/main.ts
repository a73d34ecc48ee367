/**
 * The headless runner (contracts.md §1): `npm run -s sim -- chaos ...` and
 * `npm run -s sim -- elections ...`. Output is deterministic: the same arguments print the same
 * bytes and write the same trace.
 */
import { writeFileSync } from 'node:fs';
import { runChaos } from '../sim/cluster/ChaosRun';
import { runElections } from '../sim/cluster/electionsExperiment';
import { parseDurationMs } from '../sim/core/duration';
import { MemoryTraceSink } from '../sim/core/trace';
import { intFlag, parseArgs, stringFlag, UsageError, type ParsedArgs } from './args';

const USAGE = `usage:
  npm run -s sim -- chaos [--managers M] [--workers W] [--duration 600s] [--seed N]
                          [--timing swarm|paper] [--trace OUT.jsonl] [--trace-messages] [--prevote]
  npm run -s sim -- elections --trials N --election-ms MIN-MAX [--seed N] [--trace OUT.jsonl]
                              [--latency-ms 5-9] [--check-quorum]`;

function timingFlag(args: ParsedArgs): 'swarm' | 'paper' {
  const t = stringFlag(args, 'timing', 'swarm');
  if (t !== 'swarm' && t !== 'paper') throw new UsageError(`--timing must be swarm or paper, not ${t}`);
  return t;
}

function chaos(args: ParsedArgs): number {
  const durationText = stringFlag(args, 'duration', '600s');
  const durationMs = parseDurationMs(durationText);
  if (durationMs === undefined || durationMs <= 0) throw new UsageError(`--duration: bad duration ${durationText}`);
  const managers = intFlag(args, 'managers', 5);
  if (managers < 1) throw new UsageError('--managers must be at least 1');
  const seed = intFlag(args, 'seed', 1);
  const traceFile = args.flags.get('trace');
  const trace = typeof traceFile === 'string' ? new MemoryTraceSink() : undefined;
  const timing = timingFlag(args);
  const result = runChaos({
    seed,
    managers,
    workers: intFlag(args, 'workers', 3),
    durationMs,
    timing,
    trace,
    traceMessages: args.flags.has('trace-messages'),
    preVote: args.flags.has('prevote') ? true : undefined,
  });
  if (trace && typeof traceFile === 'string') writeFileSync(traceFile, trace.text());
  const lines = [
    `chaos seed ${seed}: ${managers} managers, ${intFlag(args, 'workers', 3)} workers, ${timing} timing, ${durationMs / 1000}s virtual`,
    `faults ${result.faults}, membership changes ${result.membershipChanges}, proposals ${result.proposals}, acknowledged ${result.acknowledged}, leader changes ${result.leaderChanges}`,
    `events ${result.events}, final commit index ${result.finalCommit}, settled ${result.settleMs >= 0 ? `${result.settleMs} ms` : 'never'} after healing`,
    result.ok ? 'checks: ok' : `checks: FAILED (seed ${seed}): ${result.failure}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return result.ok ? 0 : 1;
}

function elections(args: ParsedArgs): number {
  const range = stringFlag(args, 'election-ms', '150-300');
  const m = /^(\d+)-(\d+)$/.exec(range);
  if (!m || Number(m[1]) > Number(m[2]) || Number(m[1]) < 2) throw new UsageError(`--election-ms must be MIN-MAX in ms, not ${range}`);
  const trials = intFlag(args, 'trials', 1000);
  const latency = stringFlag(args, 'latency-ms', '5-9');
  const l = /^(\d+)-(\d+)$/.exec(latency);
  if (!l || Number(l[1]) > Number(l[2])) throw new UsageError(`--latency-ms must be MIN-MAX in ms, not ${latency}`);
  const traceFile = args.flags.get('trace');
  const trace = typeof traceFile === 'string' ? new MemoryTraceSink() : undefined;
  const r = runElections({
    trials,
    electionMsMin: Number(m[1]),
    electionMsMax: Number(m[2]),
    seed: intFlag(args, 'seed', 1),
    trace,
    checkQuorum: args.flags.has('check-quorum'),
    latencyMsMin: Number(l[1]),
    latencyMsMax: Number(l[2]),
  });
  if (trace && typeof traceFile === 'string') writeFileSync(traceFile, trace.text());
  process.stdout.write(
    `elections ${range} ms: ${r.trials} trials, median ${r.medianMs} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms, mean ${r.meanMs.toFixed(1)} ms${r.capped ? `, ${r.capped} without a leader` : ''}\n`,
  );
  return 0;
}

function main(argv: string[]): number {
  const args = parseArgs(argv, new Set(['trace-messages', 'prevote', 'check-quorum']));
  const command = args.positional[0];
  try {
    switch (command) {
      case 'chaos':
        return chaos(args);
      case 'elections':
        return elections(args);
      default:
        throw new UsageError(command ? `unknown command: ${command}` : 'missing command');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`sim: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
