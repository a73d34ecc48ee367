/**
 * `window.__swarm` (contracts.md §4), for automation only: the session as plain data, virtual
 * time on demand, and the trace hash that a Node run of the same inputs must reproduce.
 */
import type { RaftSession, SessionSnapshot } from '../host/session/RaftSession';

/** The automation API on `window.__swarm`. */
export interface SwarmAutomation {
  /** The cluster as plain data. */
  snapshot(): SessionSnapshot;
  /**
   * Runs `ms` of virtual time now, synchronously (meant for a paused page: while playing, the
   * frames keep adding their own time). Throws once the session has failed.
   */
  advance(ms: number): void;
  /** The hash of the trace so far, `msg` events excluded (MemoryTraceSink.digest). */
  traceHash(): string;
}

declare global {
  interface Window {
    __swarm?: SwarmAutomation;
  }
}

/** Installs `window.__swarm` for a session. */
export function installAutomation(session: RaftSession): void {
  // The name is contracts.md §4's.
  // oxlint-disable-next-line no-underscore-dangle
  window.__swarm = {
    snapshot: () => session.snapshot(),
    advance: (ms) => {
      if (!session.advance(ms)) throw new Error(`the simulation stopped: ${session.failed() ?? 'unknown failure'}`);
    },
    traceHash: () => session.traceHash(),
  };
}
