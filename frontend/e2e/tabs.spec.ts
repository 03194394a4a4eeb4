import type { BrowserContext, Page } from '@playwright/test';

import { PASSWORD, verifiedCustomer } from './api';
import { expect, test, uniqueEmail } from './support';

/**
 * The tabs of one browser share the refresh cookie, and the API revokes the whole session when
 * a rotated refresh token is used again: tabs refreshing at once must take turns (Web Locks,
 * the new token shared over BroadcastChannel), or every tab ends signed out.
 */

const REFRESH = '/api/v1/auth/sessions/refresh';

/** The account area of `page`, signed in as the customer. */
async function expectSignedIn(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/account\/profile$/);
  await expect(page.getByRole('heading', { level: 1, name: 'My profile' })).toBeVisible();
  await expect(page.getByText('Léa Martin')).toBeVisible();
  await expect(page.getByRole('banner').getByRole('button', { name: 'My account' })).toBeVisible();
}

/** Counts the refresh calls of the context and their statuses. */
function watchRefreshes(context: BrowserContext): number[] {
  const statuses: number[] = [];
  context.on('response', (response) => {
    if (new URL(response.url()).pathname === REFRESH) statuses.push(response.status());
  });
  return statuses;
}

const variants = [
  { name: 'with Web Locks and BroadcastChannel', fallbacks: false },
  { name: 'with the fallbacks (no Web Locks, no BroadcastChannel)', fallbacks: true },
];

for (const variant of variants) {
  test(`three tabs of one signed-in customer refresh at once and all stay signed in, ${variant.name}`, async ({ context, page, problems, request }) => {
    if (variant.fallbacks) {
      await context.addInitScript(() => {
        delete (Navigator.prototype as { locks?: unknown }).locks;
        delete (window as { BroadcastChannel?: unknown }).BroadcastChannel;
      });
    }
    const email = uniqueEmail('three.tabs');
    await verifiedCustomer(request, email);

    await page.goto('/sign-in?returnUrl=%2Faccount%2Fprofile');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectSignedIn(page);
    expect(await page.evaluate(() => typeof navigator.locks === 'object' && typeof BroadcastChannel === 'function')).toBe(!variant.fallbacks);

    const tabs = [page, await context.newPage(), await context.newPage()];
    for (const tab of tabs.slice(1)) {
      tab.on('pageerror', (error) => problems.push(`uncaught in another tab: ${error.message}`));
    }
    const refreshes = watchRefreshes(context);

    // 1. Three tabs start at once (a reload, two new tabs): each restores the session.
    await Promise.all(tabs.map((tab) => tab.goto('/account/profile')));
    for (const tab of tabs) await expectSignedIn(tab);
    expect(refreshes.length).toBeGreaterThan(0);

    // 2. Their access tokens are refused at once (as when they expire): each refreshes and retries.
    for (const tab of tabs) {
      await tab.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'Password' }).click();
      await expect(tab.getByRole('heading', { level: 1, name: 'Password' })).toBeVisible();
      await tab.route(
        '**/api/v1/users/me',
        (route) =>
          route.fulfill({
            status: 401,
            headers: { 'WWW-Authenticate': 'Bearer' },
            contentType: 'application/problem+json',
            body: JSON.stringify({ status: 401, code: 'unauthorized', title: 'Unauthorized', detail: 'the access token has expired' }),
          }),
        { times: 1 },
      );
    }
    const before = refreshes.length;
    const profiles = tabs.map((tab) => tab.waitForResponse((r) => r.url().endsWith('/api/v1/users/me') && r.status() === 200));
    await Promise.all(tabs.map((tab) => tab.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'Profile' }).click()));
    await Promise.all(profiles);
    for (const tab of tabs) await expectSignedIn(tab);
    expect(refreshes.length).toBeGreaterThan(before);

    // No refresh was refused, and the session is still alive on the server.
    expect(refreshes.filter((status) => status !== 200)).toEqual([]);
    await Promise.all(tabs.map((tab) => tab.reload()));
    for (const tab of tabs) await expectSignedIn(tab);
    expect(refreshes.filter((status) => status !== 200)).toEqual([]);
  });
}

test('signing out in one tab signs the other tabs out', async ({ context, page, request }) => {
  const email = uniqueEmail('sign.out.tabs');
  await verifiedCustomer(request, email);
  await page.goto('/sign-in?returnUrl=%2Faccount%2Fprofile');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectSignedIn(page);

  const other = await context.newPage();
  await other.goto('/account/profile');
  await expectSignedIn(other);
  const agencies = await context.newPage();
  await agencies.goto('/agencies');
  await expect(agencies.getByRole('banner').getByRole('button', { name: 'My account' })).toBeVisible();

  await page.getByRole('button', { name: 'My account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You are signed out. See you soon!')).toBeVisible();

  // A page that needs the session goes to the sign-in page; a public one stays, with a notice.
  await expect(other).toHaveURL(/\/sign-in\?returnUrl=%2Faccount%2Fprofile$/);
  await expect(other.getByText('You signed out in another tab.')).toBeVisible();
  await expect(agencies).toHaveURL(/\/agencies$/);
  await expect(agencies.getByText('You signed out in another tab.')).toBeVisible();
  await expect(agencies.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
});
