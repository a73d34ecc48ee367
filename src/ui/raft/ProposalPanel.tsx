import { formatDuration } from './format';
import type { ProposalView } from './types';

function proposalText(p: ProposalView): string {
  if (!p.appended) return `${p.command}: refused (${p.error === 'not-leader' ? 'no leader' : p.error})`;
  const where = `${p.command}: appended by ${p.appended.via} at index ${p.appended.index}, term ${p.appended.term}`;
  return p.committedAtMs === null ? `${where}; waiting for a majority` : `${where}; committed ${formatDuration(p.committedAtMs - p.atMs)} later`;
}

/** The Propose button and what became of the last proposal. */
export function ProposalPanel({ proposal, onPropose }: { proposal: ProposalView | null; onPropose: () => void }) {
  return (
    <section className="panel proposal-panel" aria-labelledby="proposal-heading">
      <h2 id="proposal-heading">Client</h2>
      <button type="button" onClick={onPropose}>
        Propose
      </button>
      <p className="proposal-result" aria-live="polite">
        {proposal ? proposalText(proposal) : 'Propose sends the command put x=N to the leader.'}
      </p>
    </section>
  );
}
