import { describeClusterEvent, formatSeconds } from './format';
import type { ClusterEventView } from './types';

/** The last role changes and faults from the trace, newest first, announced politely. */
export function EventLog({ events }: { events: ClusterEventView[] }) {
  const newestFirst = events.map((_, i) => events[events.length - 1 - i]!);
  return (
    <section className="panel event-log" aria-labelledby="event-log-heading">
      <h2 id="event-log-heading">Role changes</h2>
      <ol aria-live="polite" aria-relevant="additions">
        {newestFirst.map((e) => (
          <li key={e.seq} data-ev={e.ev} data-role={e.ev === 'role' ? e.role : undefined}>
            <time>{formatSeconds(e.t)}</time> {describeClusterEvent(e)}
          </li>
        ))}
      </ol>
    </section>
  );
}
