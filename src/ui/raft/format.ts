/** Text for the Raft views: accessible names, times, speeds and log lines. */
import { timingPreset, type TimingName } from '../../sim/raft/presets';
import type { ClusterEventView, NodeView } from './types';

/**
 * A node glyph's accessible name (contracts.md §4): `node1: leader, term 3`, or
 * `node4: manager, down` while crashed; `, disconnected` is appended while its links are cut.
 */
export function nodeAccessibleName(node: NodeView): string {
  const base = node.up ? `${node.hostname}: ${node.role}, term ${node.term}` : `${node.hostname}: manager, down`;
  return node.disconnected ? `${base}, disconnected` : base;
}

/** Virtual milliseconds as seconds with millisecond precision: `12.345 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** A duration: `120 ms` below a second, else seconds to a tenth: `1 s`, `12.5 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** A speed factor: `0.1×`, `0.032×`, `1×`, `2.5×`, `10×`. */
export function formatSpeed(speed: number): string {
  const text = speed >= 1 ? String(Math.round(speed * 10) / 10) : String(Number(speed.toPrecision(2)));
  return `${text}×`;
}

/** The Speed slider's position for a speed: its base-10 logarithm (−2…1). */
export function speedToSlider(speed: number): number {
  return Math.round(Math.log10(speed) * 100) / 100;
}

/** The speed at a Speed slider position. */
export function sliderToSpeed(position: number): number {
  return Number((10 ** position).toPrecision(2));
}

const faultWords: Record<string, string> = {
  crash: 'crashed',
  restart: 'restarted',
  isolate: 'disconnected',
  reconnect: 'reconnected',
};

/** One log line for a role change or a fault: `node3 → leader, term 2`, `node3 crashed`. */
export function describeClusterEvent(event: ClusterEventView): string {
  if (event.ev === 'role') return `${event.node} → ${event.role}, term ${event.term}`;
  const what = faultWords[event.kind] ?? event.kind;
  return event.nodes.length > 0 ? `${event.nodes.join(', ')} ${what}` : what;
}

/** A timing preset in one line: `heartbeat 50 ms, election timeout 150–300 ms`. */
export function describeTiming(timing: TimingName): string {
  const p = timingPreset(timing);
  const ms = (ticks: number) => formatDuration(ticks * p.tickMs);
  const election = `${ms(p.raft.electionTimeoutTicksMin)}–${ms(p.raft.electionTimeoutTicksMax)}`;
  return `heartbeat ${ms(p.raft.heartbeatTicks)}, election timeout ${election}`;
}
