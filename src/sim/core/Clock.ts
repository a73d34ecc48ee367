/** A source of virtual time. Code in `src/sim` reads time only through a Clock, never a wall clock. */
export interface Clock {
  /** Virtual milliseconds since the session started. */
  nowMs(): number;
}
