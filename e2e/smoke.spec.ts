import { expect, test } from '@playwright/test';

test('the page loads with its heading and five managers, no console errors and no failed requests', async ({ page }) => {
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('requestfailed', (request) => failedRequests.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.url()} ${response.status()}`);
  });

  await page.goto('./');

  await expect(page).toHaveTitle('Swarm Playground');
  await expect(page.getByRole('heading', { level: 1, name: 'Swarm Playground' })).toBeVisible();
  const glyphs = page.getByRole('list', { name: 'Managers' }).getByRole('img');
  await expect(glyphs).toHaveCount(5);
  for (let i = 1; i <= 5; i++) {
    await expect(page.getByRole('img', { name: new RegExp(`^node${i}: (follower|candidate|leader), term \\d+$`) })).toBeVisible();
    for (const action of ['Crash', 'Disconnect']) {
      await expect(page.getByRole('button', { name: `${action} node${i}`, exact: true })).toBeEnabled();
    }
    for (const action of ['Restart', 'Reconnect']) {
      await expect(page.getByRole('button', { name: `${action} node${i}`, exact: true })).toBeDisabled();
    }
  }
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Speed' })).toHaveAttribute('aria-valuetext', '0.1×');
  await expect(page.getByRole('button', { name: 'Propose', exact: true })).toBeVisible();
  // The default session (seed 1, paper timing) elects a leader within a few seconds at 0.1×.
  await expect(page.getByRole('img', { name: /^node\d: leader, term \d+$/ })).toHaveCount(1, { timeout: 15_000 });

  await page.waitForLoadState('networkidle');
  expect(consoleErrors).toEqual([]);
  expect(failedRequests).toEqual([]);
});
