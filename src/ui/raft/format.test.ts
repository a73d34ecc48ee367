import { describe, expect, test } from 'vitest';
import { describeClusterEvent, describeTiming, formatDuration, formatSpeed, nodeAccessibleName, sliderToSpeed, speedToSlider } from './format';
import type { NodeView } from './types';

const node: NodeView = {
  hostname: 'node1',
  up: true,
  disconnected: false,
  role: 'leader',
  term: 3,
  votedFor: 'node1',
  leader: 'node1',
  commit: 4,
  logLength: 4,
  electionElapsedTicks: 0,
  electionTimeoutTicks: 150,
};

describe('Raft view text', () => {
  test('accessible names follow contracts.md §4', () => {
    expect(nodeAccessibleName(node)).toBe('node1: leader, term 3');
    expect(nodeAccessibleName({ ...node, hostname: 'node4', up: false, role: 'down' })).toBe('node4: manager, down');
    expect(nodeAccessibleName({ ...node, role: 'follower', disconnected: true })).toBe('node1: follower, term 3, disconnected');
  });

  test('speeds format and round-trip through the log-scale slider', () => {
    expect([0.01, 0.1, 0.032, 1, 2.5, 10].map(formatSpeed)).toEqual(['0.01×', '0.1×', '0.032×', '1×', '2.5×', '10×']);
    for (const s of [0.01, 0.1, 1, 10]) expect(sliderToSpeed(speedToSlider(s))).toBe(s);
    expect(speedToSlider(0.01)).toBe(-2);
    expect(speedToSlider(10)).toBe(1);
  });

  test('durations and timing presets', () => {
    expect([0, 120.4, 999, 1000, 12_345].map(formatDuration)).toEqual(['0 ms', '120 ms', '999 ms', '1 s', '12.3 s']);
    expect(describeTiming('paper')).toBe('heartbeat 50 ms, election timeout 150 ms–300 ms');
    expect(describeTiming('swarm')).toBe('heartbeat 1 s, election timeout 10 s–19 s');
  });

  test('log lines', () => {
    expect(describeClusterEvent({ seq: 1, t: 0, ev: 'role', node: 'node3', role: 'leader', term: 2 })).toBe('node3 → leader, term 2');
    expect(describeClusterEvent({ seq: 1, t: 0, ev: 'fault', kind: 'crash', nodes: ['node3'] })).toBe('node3 crashed');
    expect(describeClusterEvent({ seq: 1, t: 0, ev: 'fault', kind: 'isolate', nodes: ['node2'] })).toBe('node2 disconnected');
  });
});
