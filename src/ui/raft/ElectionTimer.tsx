import { formatDuration } from './format';
import type { NodeView } from './types';

/**
 * A node's election timer as a draining bar: full when the timer was just reset (a heartbeat or
 * a vote), empty when the node times out and campaigns. A leader runs no election timer.
 */
export function ElectionTimer({ node, tickMs }: { node: NodeView; tickMs: number }) {
  if (!node.up || node.role === 'leader') {
    return (
      <div className="election-timer election-timer-idle">
        <span className="election-timer-label">{node.up ? 'sending heartbeats' : 'no timer (down)'}</span>
      </div>
    );
  }
  const timeoutTicks = Math.max(1, node.electionTimeoutTicks);
  const remainingTicks = Math.max(0, timeoutTicks - node.electionElapsedTicks);
  const percent = (remainingTicks / timeoutTicks) * 100;
  return (
    <div className="election-timer">
      {/* The bar is decoration: the label below says the same in words. */}
      <div className="election-timer-track" aria-hidden="true">
        <div className="election-timer-fill" data-role={node.role} style={{ width: `${percent}%` }} />
      </div>
      <span className="election-timer-label">
        times out in {formatDuration(remainingTicks * tickMs)} of {formatDuration(timeoutTicks * tickMs)}
      </span>
    </div>
  );
}
