/**
 * Determinism: the same runner arguments print the same bytes and write the same trace, and the
 * trace satisfies the independent checkers in ../shared/tools (contracts.md §3).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChaos } from '../sim/cluster/ChaosRun';
import { MemoryTraceSink } from '../sim/core/trace';

const root = join(import.meta.dirname, '..', '..');
const tools = join(root, '..', 'shared', 'tools');

function sim(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('determinism', () => {
  for (const [seed, timing] of [
    [3, 'swarm'],
    [4, 'paper'],
  ] as const) {
    it(`chaos seed ${seed} (${timing}) writes the same trace, messages included, on every run`, () => {
      const digests = [0, 1].map(() => {
        const trace = new MemoryTraceSink({ keepLines: false });
        runChaos({ seed, timing, durationMs: timing === 'paper' ? 10_000 : 300_000, trace, traceMessages: true });
        return trace.digest();
      });
      expect(digests[0]).toBe(digests[1]);
      // A different seed gives a different run.
      const other = new MemoryTraceSink({ keepLines: false });
      runChaos({ seed: seed + 100, timing, durationMs: timing === 'paper' ? 10_000 : 300_000, trace: other, traceMessages: true });
      expect(other.digest()).not.toBe(digests[0]);
    });
  }

  it('the CLI prints the same bytes and writes the same trace for the same arguments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-det-'));
    const run = (name: string) => {
      const out = sim(['chaos', '--seed', '7', '--managers', '3', '--workers', '1', '--duration', '300s', '--trace', join(dir, name)]);
      return { out, trace: readFileSync(join(dir, name), 'utf8') };
    };
    const a = run('a.jsonl');
    const b = run('b.jsonl');
    expect(a.out).toBe(b.out);
    expect(a.trace).toBe(b.trace);
    expect(a.out).toContain('checks: ok');
    expect(a.trace.split('\n').filter(Boolean).length).toBeGreaterThan(100);
  }, 60_000);

  it('the trace passes the independent raftcheck and election-stats tools', () => {
    expect(existsSync(join(tools, 'raftcheck.mjs')), `${tools} must sit beside the checkout`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'sim-check-'));
    const chaosTrace = join(dir, 'chaos.jsonl');
    sim(['chaos', '--seed', '11', '--duration', '600s', '--trace', chaosTrace]);
    const check = execFileSync(process.execPath, [join(tools, 'raftcheck.mjs'), chaosTrace, '--settle-ms', '100000'], { encoding: 'utf8' });
    expect(check).toMatch(/^violations=0 /m);

    const electionsTrace = join(dir, 'elections.jsonl');
    const ours = sim(['elections', '--trials', '50', '--election-ms', '150-300', '--trace', electionsTrace]);
    const theirs = JSON.parse(execFileSync(process.execPath, [join(tools, 'election-stats.mjs'), electionsTrace], { encoding: 'utf8' })) as {
      n: number;
      median: number;
      max: number;
    };
    expect(theirs.n).toBe(50);
    expect(ours).toContain(`median ${theirs.median} ms`);
    expect(ours).toContain(`max ${theirs.max} ms`);
  }, 60_000);

  it('bad arguments exit 2 with a usage message', () => {
    let status = 0;
    let stderr = '';
    try {
      sim(['chaos', '--duration', 'soon']);
    } catch (e) {
      const err = e as { status: number; stderr: string };
      status = err.status;
      stderr = String(err.stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toContain('--duration: bad duration soon');
  });
});
