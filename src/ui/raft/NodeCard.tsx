import { ElectionTimer } from './ElectionTimer';
import { NodeGlyph } from './NodeGlyph';
import type { NodeAction, NodeView } from './types';

/** Props of {@link NodeCard}. */
export interface NodeCardProps {
  node: NodeView;
  tickMs: number;
  onAction: (action: NodeAction, hostname: string) => void;
}

/**
 * One manager: glyph, Raft state, election timer and its fault buttons. Each button shows its
 * verb and is named with the hostname too (`Crash node1`), as contracts.md §4 asks.
 */
export function NodeCard({ node, tickMs, onAction }: NodeCardProps) {
  const h = node.hostname;
  const headingId = `node-card-${h}`;
  return (
    <li className="node-card" data-role={node.role} data-disconnected={node.disconnected} aria-labelledby={headingId}>
      <div className="node-card-head">
        <NodeGlyph node={node} />
        <div>
          <h3 id={headingId}>{h}</h3>
          <p className="node-role">
            {node.up ? node.role : 'down'}
            {node.disconnected ? <span className="node-flag">disconnected</span> : null}
          </p>
        </div>
      </div>
      <dl className="node-fields">
        <dt>term</dt>
        <dd>{node.term}</dd>
        <dt>voted for</dt>
        <dd>{node.votedFor ?? '—'}</dd>
        <dt>commit</dt>
        <dd>{node.commit}</dd>
        <dt>log length</dt>
        <dd>{node.logLength}</dd>
      </dl>
      <ElectionTimer node={node} tickMs={tickMs} />
      <div className="node-actions">
        <button type="button" disabled={!node.up} aria-label={`Crash ${h}`} onClick={() => onAction('crash', h)}>
          Crash
        </button>
        <button type="button" disabled={node.up} aria-label={`Restart ${h}`} onClick={() => onAction('restart', h)}>
          Restart
        </button>
        <button type="button" disabled={node.disconnected} aria-label={`Disconnect ${h}`} onClick={() => onAction('disconnect', h)}>
          Disconnect
        </button>
        <button type="button" disabled={!node.disconnected} aria-label={`Reconnect ${h}`} onClick={() => onAction('reconnect', h)}>
          Reconnect
        </button>
      </div>
    </li>
  );
}
