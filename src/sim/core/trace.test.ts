import { describe, expect, it } from 'vitest';
import { MemoryTraceSink, TraceHash } from './trace';
import { parseDurationMs } from './duration';

describe('trace', () => {
  it('serialises events as JSONL in emission order with a stable digest', () => {
    const a = new MemoryTraceSink();
    const b = new MemoryTraceSink({ keepLines: false });
    for (const s of [a, b]) {
      s.emit({ t: 0, ev: 'instance', op: 'add', node: 'node1', ip: '192.168.0.8' });
      s.emit({ t: 1200, ev: 'role', node: 'node1', role: 'leader', term: 2 });
    }
    expect(a.text()).toBe(
      '{"t":0,"ev":"instance","op":"add","node":"node1","ip":"192.168.0.8"}\n{"t":1200,"ev":"role","node":"node1","role":"leader","term":2}\n',
    );
    expect(a.digest()).toBe(b.digest());
    expect(b.lines).toEqual([]);
    const h = new TraceHash();
    for (const l of a.lines) h.update(l);
    expect(h.digest()).toBe(a.digest());
  });

  it('leaves msg events out when asked, and the digest changes with any byte', () => {
    const s = new MemoryTraceSink({ includeMessages: false });
    s.emit({ t: 1, ev: 'msg', from: 'a', to: 'b', type: 'Heartbeat', term: 1, sentAtMs: 1, deliverAtMs: 3, dropped: false });
    expect(s.lines).toEqual([]);
    const x = new TraceHash();
    const y = new TraceHash();
    x.update('{"t":1}');
    y.update('{"t":2}');
    expect(x.digest()).not.toBe(y.digest());
  });

  it('parses durations with ms, s, m and h suffixes and rejects the rest', () => {
    expect(parseDurationMs('600s')).toBe(600_000);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('40')).toBe(40);
    expect(parseDurationMs('soon')).toBeUndefined();
    expect(parseDurationMs('-1s')).toBeUndefined();
  });
});
