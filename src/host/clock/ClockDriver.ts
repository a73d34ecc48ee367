/**
 * The clock driver: maps wall time (animation frames) to virtual time, with pause/play and a
 * speed factor. It never changes the simulated timing; it only decides how many virtual
 * milliseconds pass per frame. The arithmetic ({@link WallToVirtual}) is pure; the frame loop
 * reads the wall clock through a {@link FrameSource}, so tests pass a fake one.
 */

/** Slowest speed (virtual ms per wall ms). */
export const SPEED_MIN = 0.01;
/** Fastest speed (virtual ms per wall ms). */
export const SPEED_MAX = 10;
/**
 * Longest wall-time gap one frame may account for. A background tab or a debugger stalls frames
 * for seconds; the simulation must resume where it was, not jump ahead by the whole gap.
 */
export const MAX_FRAME_GAP_MS = 250;

/** Clamps a speed into [{@link SPEED_MIN}, {@link SPEED_MAX}] (NaN gives 1). */
export function clampSpeed(speed: number): number {
  if (Number.isNaN(speed)) return 1;
  return Math.min(SPEED_MAX, Math.max(SPEED_MIN, speed));
}

/**
 * Pure wall→virtual arithmetic: each frame's wall gap (clamped to {@link MAX_FRAME_GAP_MS})
 * times the speed, handed out in whole virtual milliseconds; the fraction carries to the next
 * frame, so virtual time stays integral and no time is lost at low speeds.
 */
export class WallToVirtual {
  private lastWallMs: number | null = null;
  private carryMs = 0;
  private speedFactor: number;

  constructor(speed = 1) {
    this.speedFactor = clampSpeed(speed);
  }

  /** Virtual milliseconds per wall millisecond. */
  get speed(): number {
    return this.speedFactor;
  }

  /** Changes the speed from the next frame on. */
  setSpeed(speed: number): void {
    this.speedFactor = clampSpeed(speed);
  }

  /** Starts measuring from `wallMs` (on play): the time before it does not count. */
  restart(wallMs: number | null): void {
    this.lastWallMs = wallMs;
  }

  /** The whole virtual milliseconds to run for a frame at `wallMs`. The first frame only sets the baseline. */
  frame(wallMs: number): number {
    if (this.lastWallMs === null) {
      this.lastWallMs = wallMs;
      return 0;
    }
    const gapMs = Math.min(MAX_FRAME_GAP_MS, Math.max(0, wallMs - this.lastWallMs));
    this.lastWallMs = Math.max(this.lastWallMs, wallMs);
    this.carryMs += gapMs * this.speedFactor;
    const whole = Math.floor(this.carryMs);
    this.carryMs -= whole;
    return whole;
  }
}

/** Where frames and wall time come from: the browser's, or a fake in tests. */
export interface FrameSource {
  /** Wall milliseconds on the same time base as the frame timestamps. */
  now(): number;
  /** Calls `callback` with the frame's wall time before the next repaint. */
  request(callback: (wallMs: number) => void): number;
  /** Cancels a requested frame. */
  cancel(handle: number): void;
}

/** The browser's frames: `requestAnimationFrame` and `performance.now()`. */
export function browserFrames(): FrameSource {
  return {
    now: () => performance.now(),
    request: (callback) => requestAnimationFrame(callback),
    cancel: (handle) => cancelAnimationFrame(handle),
  };
}

/** The driver's state as the UI shows it (a new object on every change). */
export interface ClockState {
  paused: boolean;
  /** Virtual ms per wall ms, in [{@link SPEED_MIN}, {@link SPEED_MAX}]. */
  speed: number;
}

/** Options of a {@link ClockDriver}. */
export interface ClockDriverOptions {
  /** Runs virtual time forward by a whole number of milliseconds (> 0). */
  advance: (virtualMs: number) => void;
  /** Initial speed (default 1). */
  speed?: number;
  /** Start paused (default false). */
  paused?: boolean;
  /** Frames and wall time (default: the browser's). */
  frames?: FrameSource;
}

/**
 * Drives virtual time from animation frames. While playing it requests a frame, converts the
 * wall gap since the previous one into virtual milliseconds and calls `advance`; while paused
 * or stopped it requests no frames at all.
 */
export class ClockDriver {
  private readonly advance: (virtualMs: number) => void;
  private readonly frames: FrameSource;
  private readonly mapper: WallToVirtual;
  private readonly listeners = new Set<() => void>();
  private current: ClockState;
  private running = false;
  private frameHandle: number | null = null;

  constructor(options: ClockDriverOptions) {
    this.advance = options.advance;
    this.frames = options.frames ?? browserFrames();
    this.mapper = new WallToVirtual(options.speed ?? 1);
    this.current = { paused: options.paused ?? false, speed: this.mapper.speed };
  }

  /** The current state (stable between changes, for `useSyncExternalStore`). */
  readonly state = (): ClockState => this.current;

  /** Calls `listener` after every change of the state; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Begins driving (requests frames while playing). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.resume();
  }

  /** Stops driving (no more frames, no more `advance` calls). */
  stop(): void {
    this.running = false;
    this.cancelFrame();
  }

  /** Lets virtual time run. */
  play(): void {
    if (!this.current.paused) return;
    this.update({ paused: false });
    this.resume();
  }

  /** Freezes virtual time. */
  pause(): void {
    if (this.current.paused) return;
    this.update({ paused: true });
    this.cancelFrame();
  }

  /** Sets the speed (clamped to [{@link SPEED_MIN}, {@link SPEED_MAX}]). */
  setSpeed(speed: number): void {
    this.mapper.setSpeed(speed);
    if (this.mapper.speed !== this.current.speed) this.update({ speed: this.mapper.speed });
  }

  private resume(): void {
    if (!this.running || this.current.paused || this.frameHandle !== null) return;
    this.mapper.restart(this.frames.now());
    this.frameHandle = this.frames.request(this.onFrame);
  }

  private readonly onFrame = (wallMs: number): void => {
    this.frameHandle = null;
    if (!this.running || this.current.paused) return;
    const virtualMs = this.mapper.frame(wallMs);
    // Request the next frame first: `advance` may pause the driver (e.g. on a failure).
    this.frameHandle = this.frames.request(this.onFrame);
    if (virtualMs > 0) this.advance(virtualMs);
  };

  private cancelFrame(): void {
    if (this.frameHandle !== null) this.frames.cancel(this.frameHandle);
    this.frameHandle = null;
  }

  private update(change: Partial<ClockState>): void {
    this.current = { ...this.current, ...change };
    for (const l of this.listeners) l();
  }
}
