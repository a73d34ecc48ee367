/**
 * Scripted Raft interaction tests (etcd-raft's datadriven `testdata/*.txt`): each script is a
 * story told in commands, and its expected outputs are goldens read against the paper. One
 * test per script; a mismatch names the script line and the command. To update a golden after
 * a deliberate change, run `npx tsx src/cli/rewriteScripts.ts NAME` and read the diff.
 */
import { describe, expect, test } from 'vitest';
import { parseScript, spliceOutputs } from './datadriven';
import { interpret } from './interpreter';
import { rewrite, runScript } from './runScript';
import addRemoveVoter from './testdata/add_remove_voter.txt?raw';
import campaign from './testdata/campaign.txt?raw';
import checkquorumStepDown from './testdata/checkquorum_step_down.txt?raw';
import figure8 from './testdata/figure8.txt?raw';
import logRepairAfterPartition from './testdata/log_repair_after_partition.txt?raw';
import partitionedLeader from './testdata/partitioned_leader.txt?raw';
import prevote from './testdata/prevote.txt?raw';
import snapshotCatchUp from './testdata/snapshot_catch_up.txt?raw';
import splitVote from './testdata/split_vote.txt?raw';

const scripts: Record<string, string> = {
  'campaign.txt': campaign,
  'split_vote.txt': splitVote,
  'partitioned_leader.txt': partitionedLeader,
  'log_repair_after_partition.txt': logRepairAfterPartition,
  'figure8.txt': figure8,
  'checkquorum_step_down.txt': checkquorumStepDown,
  'prevote.txt': prevote,
  'add_remove_voter.txt': addRemoveVoter,
  'snapshot_catch_up.txt': snapshotCatchUp,
};

describe('scripted Raft interactions (testdata/*.txt)', () => {
  test.each(Object.entries(scripts))('%s', (name, text) => {
    const results = runScript(text);
    expect(results.length, `${name} has no commands`).toBeGreaterThan(0);
    for (const r of results) {
      expect.soft(r.actual, `${name}:${r.line}: ${r.command}`).toBe(r.expected);
    }
  });
});

describe('the script runner', () => {
  test('a wrong golden is reported at its command', () => {
    const tampered = campaign.replace('1: StateLeader (Voter) Term:1 Lead:1', '1: StateLeader (Voter) Term:2 Lead:1');
    expect(tampered).not.toBe(campaign);
    const failing = runScript(tampered).filter((r) => r.actual !== r.expected);
    expect(failing.map((r) => r.command)).toEqual(['raft-state']);
  });

  test('rewrite restores the goldens and keeps the comments', () => {
    const blank = spliceOutputs(
      campaign,
      parseScript(campaign),
      parseScript(campaign).map(() => 'stale'),
    );
    expect(blank).toContain('# A follower refuses proposals');
    expect(rewrite(blank)).toBe(campaign);
  });

  test('a bare command list runs, and outputs with blank lines are fenced', () => {
    expect(interpret('add-nodes 1 voters=(1)\ncampaign 1\nraft-state\n')).toBe(
      [
        'add-nodes 1 voters=(1)',
        '----',
        'INFO newRaft 1 [peers: [1], term: 0, commit: 0, applied: 0, lastindex: 0, lastterm: 0]',
        '',
        'campaign 1',
        '----',
        'INFO 1 became leader at term 1',
        '',
        'raft-state',
        '----',
        '1: StateLeader (Voter) Term:1 Lead:1',
        '',
      ].join('\n'),
    );
    const fenced = spliceOutputs('cmd\n----\nold\n', parseScript('cmd\n----\nold\n'), ['a\n\nb']);
    expect(fenced).toBe('cmd\n----\n----\na\n\nb\n----\n----\n');
    expect(parseScript(fenced)[0]!.expected).toBe('a\n\nb');
  });

  test('unknown commands and bad arguments are errors in the transcript', () => {
    const out = runScript('add-nodes 1\n----\n\nfrobnicate 1\n----\n\ncampaign 9\n----\n').map((r) => r.actual);
    expect(out.slice(1)).toEqual(['error: unknown command frobnicate', 'error: no node 9']);
  });
});
