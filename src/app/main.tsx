import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ClockDriver } from '../host/clock/ClockDriver';
import { RaftSession } from '../host/session/RaftSession';
import { App } from './App.tsx';
import { installAutomation } from './automation';
import { defaultSpeed, parsePageParams } from './params';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html must contain <div id="root">');

const params = parsePageParams(window.location.search);
const session = new RaftSession(params);
const driver = new ClockDriver({
  speed: defaultSpeed(params.timing),
  // A checker firing stops the session; stop the clock with it.
  advance: (ms) => {
    if (!session.advance(ms)) driver.pause();
  },
});
installAutomation(session);

createRoot(rootElement).render(
  <StrictMode>
    <App session={session} driver={driver} />
  </StrictMode>,
);
driver.start();
