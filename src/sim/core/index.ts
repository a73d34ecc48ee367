export type { Clock } from './Clock';
export { Scheduler, type EventId } from './Scheduler';
export { Rng, hashString32 } from './Rng';
export * from './trace';
export * from './ids';
export { parseDurationMs } from './duration';
