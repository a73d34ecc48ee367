import { useSyncExternalStore } from 'react';
import type { ClockDriver } from '../host/clock/ClockDriver';
import type { RaftSession } from '../host/session/RaftSession';
import { RaftLive } from '../ui/raft/RaftLive';
import type { NodeAction } from '../ui/raft/types';

/** Props of {@link App}. */
export interface AppProps {
  session: RaftSession;
  driver: ClockDriver;
}

/** The application shell: today the "Raft live" page over an in-process session. */
export function App({ session, driver }: AppProps) {
  const cluster = useSyncExternalStore(session.subscribe, session.current);
  const clock = useSyncExternalStore(driver.subscribe, driver.state);

  const onNodeAction = (action: NodeAction, hostname: string) => {
    if (action === 'crash') session.crash(hostname);
    else if (action === 'restart') session.restart(hostname);
    else if (action === 'disconnect') session.disconnect(hostname);
    else session.reconnect(hostname);
  };

  return (
    <RaftLive
      cluster={cluster}
      paused={clock.paused}
      speed={clock.speed}
      onTogglePause={() => (clock.paused ? driver.play() : driver.pause())}
      onSpeed={(speed) => driver.setSpeed(speed)}
      onNodeAction={onNodeAction}
      onPropose={() => session.propose()}
    />
  );
}
