import { describe, expect, test } from 'vitest';
import { ClockDriver, MAX_FRAME_GAP_MS, SPEED_MAX, SPEED_MIN, WallToVirtual, clampSpeed, type FrameSource } from './ClockDriver';

/** A fake wall clock with manually fired animation frames. */
class FakeFrames implements FrameSource {
  wallMs = 1000;
  private pending = new Map<number, (wallMs: number) => void>();
  private nextHandle = 1;

  now(): number {
    return this.wallMs;
  }

  request(callback: (wallMs: number) => void): number {
    const handle = this.nextHandle++;
    this.pending.set(handle, callback);
    return handle;
  }

  cancel(handle: number): void {
    this.pending.delete(handle);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Moves wall time forward and fires the frames requested so far. */
  tick(ms: number): void {
    this.wallMs += ms;
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const cb of due) cb(this.wallMs);
  }
}

function driverWith(speed: number, paused = false) {
  const frames = new FakeFrames();
  const advanced: number[] = [];
  const driver = new ClockDriver({ advance: (ms) => advanced.push(ms), speed, paused, frames });
  const total = () => advanced.reduce((a, b) => a + b, 0);
  return { frames, advanced, driver, total };
}

describe('WallToVirtual', () => {
  test('the first frame only sets the baseline', () => {
    const m = new WallToVirtual(1);
    expect(m.frame(500)).toBe(0);
    expect(m.frame(516)).toBe(16);
  });

  test('hands out whole milliseconds and carries the fraction (0.1×, 60 frames per second)', () => {
    const m = new WallToVirtual(0.1);
    m.restart(0);
    let total = 0;
    for (let i = 1; i <= 600; i++) {
      const ms = m.frame((i * 1000) / 60);
      expect(Number.isInteger(ms)).toBe(true);
      total += ms;
    }
    // 10 s of wall time at 0.1× is 1 s of virtual time, give or take the carried fraction.
    expect(total).toBeGreaterThanOrEqual(999);
    expect(total).toBeLessThanOrEqual(1000);
  });

  test('clamps a frame gap over 250 ms', () => {
    const m = new WallToVirtual(2);
    m.restart(0);
    expect(m.frame(10_000)).toBe(MAX_FRAME_GAP_MS * 2);
    expect(m.frame(10_010)).toBe(20);
  });

  test('a clock going backwards advances nothing', () => {
    const m = new WallToVirtual(1);
    m.restart(100);
    expect(m.frame(90)).toBe(0);
    expect(m.frame(110)).toBe(10);
  });

  test('speed is clamped to 0.01×–10×', () => {
    expect(clampSpeed(0)).toBe(SPEED_MIN);
    expect(clampSpeed(1e6)).toBe(SPEED_MAX);
    expect(clampSpeed(Number.NaN)).toBe(1);
    const m = new WallToVirtual(100);
    expect(m.speed).toBe(10);
  });
});

describe('ClockDriver', () => {
  test('advances virtual time from frames while playing', () => {
    const { frames, driver, total } = driverWith(1);
    driver.start();
    for (let i = 0; i < 10; i++) frames.tick(20);
    expect(total()).toBe(200);
  });

  test('pause stops frames and time; play resumes without counting the paused wall time', () => {
    const { frames, driver, total } = driverWith(1);
    driver.start();
    frames.tick(100);
    driver.pause();
    expect(frames.pendingCount).toBe(0);
    frames.wallMs += 5000;
    expect(total()).toBe(100);
    driver.play();
    frames.tick(30);
    expect(total()).toBe(130);
  });

  test('starts paused when asked, and notifies subscribers of state changes', () => {
    const { frames, driver, total } = driverWith(0.5, true);
    const seen: string[] = [];
    driver.subscribe(() => seen.push(`${driver.state().paused ? 'paused' : 'playing'} ${driver.state().speed}`));
    driver.start();
    frames.tick(100);
    expect(total()).toBe(0);
    driver.play();
    frames.tick(100);
    expect(total()).toBe(50);
    driver.setSpeed(50);
    driver.setSpeed(50);
    frames.tick(10);
    expect(total()).toBe(150);
    expect(seen).toEqual(['playing 0.5', 'playing 10']);
  });

  test('a stalled tab (a 10 s frame gap) advances at most 250 ms of wall time', () => {
    const { frames, driver, total } = driverWith(1);
    driver.start();
    frames.tick(16);
    frames.tick(10_000);
    expect(total()).toBe(16 + MAX_FRAME_GAP_MS);
  });

  test('advance may pause the driver from inside a frame', () => {
    const frames = new FakeFrames();
    let calls = 0;
    const driver: ClockDriver = new ClockDriver({
      frames,
      advance: () => {
        calls++;
        driver.pause();
      },
    });
    driver.start();
    frames.tick(16);
    frames.tick(16);
    expect(calls).toBe(1);
    expect(driver.state().paused).toBe(true);
    expect(frames.pendingCount).toBe(0);
  });

  test('stop ends the frame loop', () => {
    const { frames, driver, total } = driverWith(1);
    driver.start();
    frames.tick(10);
    driver.stop();
    frames.tick(10);
    expect(total()).toBe(10);
    expect(frames.pendingCount).toBe(0);
  });
});
