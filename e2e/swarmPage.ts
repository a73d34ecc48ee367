/** Helpers for specs that read the page through `window.__swarm` and the accessible names. */
import { expect, type Page } from '@playwright/test';

/** The parts of `window.__swarm.snapshot()` the specs read. */
export interface PageSnapshot {
  seed: number;
  timing: string;
  nowMs: number;
  leader: string | null;
  nodes: { hostname: string; up: boolean; role: string; term: number; commit: number; disconnected: boolean }[];
}

/** `window.__swarm` (contracts.md §4), as the specs call it inside the page. */
interface SwarmAutomation {
  snapshot(): PageSnapshot;
  advance(ms: number): void;
  traceHash(): string;
}

/** The page's `window.__swarm.snapshot()`. */
export function snapshot(page: Page): Promise<PageSnapshot> {
  return page.evaluate(() => (globalThis as unknown as Record<string, SwarmAutomation>)['__swarm']!.snapshot());
}

/** Runs `ms` of virtual time through `window.__swarm.advance`. */
export function advance(page: Page, ms: number): Promise<void> {
  return page.evaluate((n) => (globalThis as unknown as Record<string, SwarmAutomation>)['__swarm']!.advance(n), ms);
}

/** The page's `window.__swarm.traceHash()`. */
export function traceHash(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as Record<string, SwarmAutomation>)['__swarm']!.traceHash());
}

/** The accessible names of every node glyph, e.g. `node1: leader, term 3`. */
export function glyphNames(page: Page): Promise<string[]> {
  return page
    .getByRole('list', { name: 'Managers' })
    .getByRole('img')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

/** The hostnames whose glyph names them leader. */
export async function leadersByName(page: Page): Promise<string[]> {
  return (await glyphNames(page)).filter((n) => /^node\d+: leader, term \d+/.test(n)).map((n) => n.split(':')[0]!);
}

/** Waits until exactly one glyph names a leader other than `except`, and returns its hostname. */
export async function waitForLeader(page: Page, except?: string, timeout = 20_000): Promise<string> {
  let found = '';
  await expect
    .poll(
      async () => {
        const leaders = (await leadersByName(page)).filter((h) => h !== except);
        found = leaders.length === 1 ? leaders[0]! : '';
        return found;
      },
      { timeout, message: `a leader${except ? ` other than ${except}` : ''}` },
    )
    .not.toBe('');
  return found;
}

/** Clicks Pause and waits for the Play button that replaces it. */
export async function pause(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
}
