import { ClockControls } from './ClockControls';
import { EventLog } from './EventLog';
import { describeTiming } from './format';
import { NodeCard } from './NodeCard';
import { ProposalPanel } from './ProposalPanel';
import type { ClusterView, NodeAction } from './types';
// Vite bundles a stylesheet imported for its side effect.
// oxlint-disable-next-line import/no-unassigned-import
import './raftLive.css';

/** Props of {@link RaftLive}. */
export interface RaftLiveProps {
  cluster: ClusterView;
  paused: boolean;
  speed: number;
  onTogglePause: () => void;
  onSpeed: (speed: number) => void;
  onNodeAction: (action: NodeAction, hostname: string) => void;
  onPropose: () => void;
}

/** The "Raft live" page: five managers, their state and timers, faults, proposals and a role log. */
export function RaftLive({ cluster, paused, speed, onTogglePause, onSpeed, onNodeAction, onPropose }: RaftLiveProps) {
  const other = cluster.timing === 'paper' ? 'swarm' : 'paper';
  const leader = cluster.leader ? cluster.nodes.find((n) => n.hostname === cluster.leader) : undefined;
  return (
    <main className="raft-live">
      <header className="page-header">
        <h1>Swarm Playground</h1>
        <p className="tagline">
          <strong>Raft live.</strong> Five managers on one simulated network, running in this page on a virtual clock.
          Crash or disconnect the leader and watch the others elect a new one.
        </p>
        <p className="session-meta">
          seed {cluster.seed} · <strong>{cluster.timing}</strong> timing: {describeTiming(cluster.timing)} ·{' '}
          <a href={`?seed=${cluster.seed}&timing=${other}`}>switch to {other} timing</a>
        </p>
      </header>

      <div className="toolbar">
        <ClockControls paused={paused} speed={speed} nowMs={cluster.nowMs} onTogglePause={onTogglePause} onSpeed={onSpeed} />
        <p className="leader-status">
          {leader ? (
            <>
              leader <strong>{leader.hostname}</strong>, term {leader.term}
            </>
          ) : (
            'no leader'
          )}
        </p>
      </div>

      {cluster.failure ? (
        <p className="failure" role="alert">
          The simulation stopped: {cluster.failure}
        </p>
      ) : null}

      <section aria-labelledby="managers-heading">
        <h2 id="managers-heading" className="visually-hidden">
          Managers
        </h2>
        <ul className="node-grid" aria-labelledby="managers-heading">
          {cluster.nodes.map((n) => (
            <NodeCard key={n.hostname} node={n} tickMs={cluster.tickMs} onAction={onNodeAction} />
          ))}
        </ul>
      </section>

      <div className="panels">
        <ProposalPanel proposal={cluster.proposal} onPropose={onPropose} />
        <EventLog events={cluster.recent} />
      </div>
    </main>
  );
}
