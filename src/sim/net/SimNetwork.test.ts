import { describe, expect, it } from 'vitest';
import { Rng } from '../core/Rng';
import { Scheduler } from '../core/Scheduler';
import { lanConditions, SimNetwork, type Envelope } from './SimNetwork';

function setup(conditions = lanConditions) {
  const scheduler = new Scheduler();
  const net = new SimNetwork<string>(scheduler, new Rng(9), conditions);
  const got: Record<string, Envelope<string>[]> = { a: [], b: [], c: [] };
  for (const id of ['a', 'b', 'c']) net.attach(id, (e) => got[id]!.push(e));
  return { scheduler, net, got };
}

describe('SimNetwork', () => {
  it('delivers after a latency within the link range, stamping sentAtMs and deliverAtMs', () => {
    const { scheduler, net, got } = setup({ ...lanConditions, latencyMsMin: 5, latencyMsMax: 9 });
    for (let i = 0; i < 100; i++) net.send('a', 'b', 'Ping', `m${i}`);
    scheduler.runUntil(100);
    expect(got.b).toHaveLength(100);
    for (const e of got.b!) {
      expect(e.deliverAtMs - e.sentAtMs).toBeGreaterThanOrEqual(5);
      expect(e.deliverAtMs - e.sentAtMs).toBeLessThanOrEqual(9);
    }
  });

  it('keeps each link FIFO despite latency jitter when no reordering is asked for', () => {
    const { scheduler, net, got } = setup({ ...lanConditions, latencyMsMin: 1, latencyMsMax: 20 });
    for (let i = 0; i < 200; i++) {
      net.send('a', 'b', 'Ping', `${i}`);
      scheduler.runUntil(scheduler.nowMs() + (i % 3));
    }
    scheduler.runUntil(scheduler.nowMs() + 100);
    expect(got.b!.map((e) => Number(e.payload))).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('partitions cut messages at send and in flight; heal restores delivery', () => {
    const { scheduler, net, got } = setup();
    net.send('a', 'b', 'Ping', 'in-flight');
    net.partition([['a'], ['b', 'c']]);
    net.send('a', 'c', 'Ping', 'cut');
    net.send('b', 'c', 'Ping', 'same side');
    scheduler.runUntil(10);
    expect(got.b).toEqual([]);
    expect(got.c!.map((e) => e.payload)).toEqual(['same side']);
    net.heal();
    net.send('a', 'b', 'Ping', 'after heal');
    scheduler.runUntil(20);
    expect(got.b!.map((e) => e.payload)).toEqual(['after heal']);
  });

  it('isolation cuts every link of one node', () => {
    const { scheduler, net, got } = setup();
    net.isolate('c');
    expect(net.canReach('a', 'c')).toBe(false);
    expect(net.canReach('c', 'b')).toBe(false);
    expect(net.canReach('a', 'b')).toBe(true);
    net.send('c', 'a', 'Ping', 'x');
    scheduler.runUntil(10);
    expect(got.a).toEqual([]);
    net.reconnect('c');
    expect(net.canReach('a', 'c')).toBe(true);
  });

  it('loses about the configured share, duplicates and reorders', () => {
    const { scheduler, net, got } = setup({ ...lanConditions, duplicateRate: 0.2, reorderRate: 0.3, reorderDelayMsMax: 50 });
    net.setLoss(0.25);
    const sent = 4000;
    for (let i = 0; i < sent; i++) net.send('a', 'b', 'Ping', `${i}`);
    scheduler.runUntil(1000);
    const delivered = got.b!.length;
    // 75 % survive, then 20 % of those are doubled: ≈ 0.75 · 1.2 = 0.9 of what was sent.
    expect(delivered / sent).toBeGreaterThan(0.85);
    expect(delivered / sent).toBeLessThan(0.95);
    expect(got.b!.some((e) => e.duplicate)).toBe(true);
    const order = got.b!.filter((e) => !e.duplicate).map((e) => Number(e.payload));
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
  });

  it('dropInFlight loses one message and notifies observers', () => {
    const { scheduler, net, got } = setup();
    const dropped: number[] = [];
    net.observers.push({ onDrop: (e) => dropped.push(e.id) });
    const e = net.send('a', 'b', 'Ping', 'x');
    expect(net.inFlight().map((x) => x.id)).toEqual([e.id]);
    expect(net.dropInFlight(e.id)).toBe(true);
    scheduler.runUntil(10);
    expect(got.b).toEqual([]);
    expect(dropped).toEqual([e.id]);
    expect(net.dropInFlight(e.id)).toBe(false);
  });
});
