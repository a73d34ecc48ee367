import { expect, test } from '@playwright/test';
import { SimCluster } from '../src/sim/cluster/SimCluster';
import { Rng } from '../src/sim/core/Rng';
import { MemoryTraceSink } from '../src/sim/core/trace';
import { advance, glyphNames, pause, snapshot, traceHash, waitForLeader } from './swarmPage';

const HOSTNAMES = ['node1', 'node2', 'node3', 'node4', 'node5'];

/**
 * The trace hash of the run the page makes for `?seed=N`, computed here in Node: the same
 * SimCluster options (five voters node1..node5, paper timing, checkers on, no message events),
 * running `totalMs` of virtual time in the given chunks.
 */
function nodeTraceHash(seed: number, chunksMs: number[]): string {
  const trace = new MemoryTraceSink({ includeMessages: false, keepLines: false });
  const cluster = new SimCluster({ seed, timing: 'paper', voters: HOSTNAMES, trace });
  for (const ms of chunksMs) cluster.runFor(ms);
  return trace.digest();
}

test('seed 1: a leader is elected; crashing it elects a different one', async ({ page }) => {
  await page.goto('./?seed=1');
  const first = await waitForLeader(page);

  await page.getByRole('button', { name: `Crash ${first}`, exact: true }).click();
  await expect(page.getByRole('img', { name: `${first}: manager, down`, exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: `Restart ${first}`, exact: true })).toBeEnabled();

  const second = await waitForLeader(page, first);
  expect(second).not.toBe(first);
  await expect(page.getByRole('region', { name: 'Role changes' })).toContainText(`${first} crashed`);
  await expect(page.getByRole('region', { name: 'Role changes' })).toContainText(`${second} → leader`);

  // The crashed node boots from its disk and follows the new leader.
  await page.getByRole('button', { name: `Restart ${first}`, exact: true }).click();
  await expect(page.getByRole('img', { name: new RegExp(`^${first}: follower, term \\d+$`) })).toBeVisible();
});

test('seed 1: Pause freezes virtual time; advance(2000) moves it by exactly 2 s', async ({ page }) => {
  await page.goto('./?seed=1');
  await waitForLeader(page);
  await pause(page);
  const timer = page.getByRole('timer', { name: 'Virtual time' });
  const before = await snapshot(page);
  const beforeText = await timer.textContent();
  const beforeNames = await glyphNames(page);

  // Wall time passes; virtual time and everything drawn from it stand still.
  await page.waitForTimeout(600);
  expect(await snapshot(page)).toEqual(before);
  await expect(timer).toHaveText(beforeText ?? '');
  expect(await glyphNames(page)).toEqual(beforeNames);

  await advance(page, 2000);
  const after = await snapshot(page);
  expect(after.nowMs).toBe(before.nowMs + 2000);
  await expect(timer).toHaveText(`${((before.nowMs + 2000) / 1000).toFixed(3)} s`);
  // Still paused: no more time passes.
  await page.waitForTimeout(300);
  expect((await snapshot(page)).nowMs).toBe(after.nowMs);
});

test('seed 5: two page loads and a Node run of the same virtual time give the same trace hash', async ({ page }) => {
  const totalMs = 3000;
  // Node: one runFor, and frame-sized chunks (SimCluster.runFor is event-driven, so chunking must not matter).
  const expected = nodeTraceHash(5, [totalMs]);
  const rng = new Rng(7);
  const chunks: number[] = [];
  for (let left = totalMs; left > 0; left -= chunks.at(-1)!) chunks.push(Math.min(left, rng.intBetween(1, 17)));
  expect(nodeTraceHash(5, chunks)).toBe(expected);
  expect(nodeTraceHash(6, [totalMs])).not.toBe(expected);

  const hashes: string[] = [];
  for (let load = 0; load < 2; load++) {
    await page.goto('./?seed=5');
    // Frames ran some virtual time before the click (a different amount on each load); the page
    // then runs the rest, so both loads reach the same virtual time by different chunkings.
    await pause(page);
    const { nowMs, seed, timing } = await snapshot(page);
    expect({ seed, timing }).toEqual({ seed: 5, timing: 'paper' });
    expect(nowMs).toBeLessThan(totalMs);
    await advance(page, totalMs - nowMs);
    expect((await snapshot(page)).nowMs).toBe(totalMs);
    hashes.push(await traceHash(page));
  }
  expect(hashes[0]).toBe(hashes[1]);
  expect(hashes[0]).toBe(expected);
});

test('seed 3: disconnecting the leader moves leadership to the majority; Reconnect heals', async ({ page }) => {
  await page.goto('./?seed=3');
  await page.getByRole('slider', { name: 'Speed' }).fill('0');
  await expect(page.locator('.speed output')).toHaveText('1×');
  const first = await waitForLeader(page);

  await page.getByRole('button', { name: `Disconnect ${first}`, exact: true }).click();
  await expect(page.getByRole('img', { name: new RegExp(`^${first}: .*, disconnected$`) })).toBeVisible();
  const second = await waitForLeader(page, first);

  await page.getByRole('button', { name: `Reconnect ${first}`, exact: true }).click();
  await expect(page.getByRole('img', { name: new RegExp(`^${first}: follower, term \\d+$`) })).toBeVisible();
  expect(await waitForLeader(page)).toBe(second);
});

test('seed 2: Propose appends a command on the leader and every manager commits it', async ({ page }) => {
  await page.goto('./?seed=2');
  await waitForLeader(page);
  await pause(page);
  const leader = (await snapshot(page)).leader!;
  await page.getByRole('button', { name: 'Propose', exact: true }).click();
  const result = page.locator('.proposal-result');
  await expect(result).toContainText(`put x=1 #1: appended by ${leader}`);
  await expect(result).toContainText('waiting for a majority');
  await advance(page, 200);
  await expect(result).toContainText(/committed \d+ ms later/);
  const s = await snapshot(page);
  expect(new Set(s.nodes.map((n) => n.commit)).size).toBe(1);
});
