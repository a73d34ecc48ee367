import { expect, test } from '@playwright/test';

test('the page loads with its heading, no console errors and no failed requests', async ({ page }) => {
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
  const addInstance = page.getByRole('button', { name: 'Add new instance' });
  await expect(addInstance).toBeVisible();
  await expect(addInstance).toBeDisabled();

  await page.waitForLoadState('networkidle');
  expect(consoleErrors).toEqual([]);
  expect(failedRequests).toEqual([]);
});
