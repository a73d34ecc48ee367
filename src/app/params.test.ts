import { describe, expect, test } from 'vitest';
import { defaultSpeed, parsePageParams } from './params';

describe('page parameters', () => {
  test('defaults: seed 1, paper timing at 0.1×', () => {
    expect(parsePageParams('')).toEqual({ seed: 1, timing: 'paper' });
    expect(defaultSpeed('paper')).toBe(0.1);
  });

  test('seed and timing from the URL', () => {
    expect(parsePageParams('?seed=5&timing=swarm')).toEqual({ seed: 5, timing: 'swarm' });
    expect(parsePageParams('?seed=4294967295')).toEqual({ seed: 4294967295, timing: 'paper' });
  });

  test('malformed values fall back to the defaults', () => {
    for (const bad of ['?seed=-3', '?seed=1.5', '?seed=abc', '?seed=4294967296', '?seed=']) {
      expect(parsePageParams(bad).seed).toBe(1);
    }
    expect(parsePageParams('?timing=fast').timing).toBe('paper');
  });
});
