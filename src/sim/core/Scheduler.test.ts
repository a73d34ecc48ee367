import { array, assert, integer, property } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scheduler } from './Scheduler';

describe('Scheduler', () => {
  it('runs events in (time, insertion) order whatever order they were scheduled in', () => {
    assert(
      property(array(integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const s = new Scheduler();
        const ran: [number, number][] = [];
        times.forEach((t, i) => s.at(t, () => ran.push([s.nowMs(), i])));
        s.runUntil(100);
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(ran).toEqual(expected);
      }),
    );
  });

  it('never runs a cancelled event and leaves the clock at the runUntil target', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    const a = s.at(10, () => ran.push('a'));
    s.at(20, () => ran.push('b'));
    s.cancel(a);
    s.runUntil(15);
    expect(ran).toEqual([]);
    expect(s.nowMs()).toBe(15);
    s.runUntil(30);
    expect(ran).toEqual(['b']);
    expect(s.pendingCount).toBe(0);
  });

  it('never moves time backwards: an event scheduled in the past runs now', () => {
    const s = new Scheduler();
    s.runUntil(100);
    let at = -1;
    s.at(50, () => (at = s.nowMs()));
    s.step();
    expect(at).toBe(100);
  });
});
