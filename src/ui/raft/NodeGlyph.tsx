import { nodeAccessibleName } from './format';
import type { NodeView } from './types';

/** A node's glyph: a circle coloured by role, named for screen readers (`node1: leader, term 3`). */
export function NodeGlyph({ node }: { node: NodeView }) {
  return (
    <svg className="node-glyph" data-role={node.role} viewBox="0 0 40 40" role="img" aria-label={nodeAccessibleName(node)}>
      <circle className="node-glyph-disc" cx="20" cy="20" r="17" />
      <text x="20" y="20" dy="0.35em" textAnchor="middle" aria-hidden="true">
        {node.up ? node.term : '×'}
      </text>
    </svg>
  );
}
