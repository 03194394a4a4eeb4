import { expect, test } from './support';

test('filters kept in the URL leave the focus and the scroll position alone; another page starts at its heading', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 520 });
  await page.goto('/agencies');
  await expect(page.locator('.agency-card:not(.agency-card--skeleton)').first()).toBeVisible();
  const scrollY = () => page.evaluate(() => Math.round(window.scrollY));

  // Only the query string changes: the select keeps the focus, the page does not jump.
  await page.evaluate(() => window.scrollTo(0, 120));
  const country = page.getByLabel('Country');
  await country.focus();
  await country.selectOption('FR');
  await expect(page).toHaveURL(/\/agencies\?country=FR$/);
  await expect(page.getByLabel('City')).toBeEnabled();
  await expect(country).toBeFocused();
  const kept = await scrollY();
  expect(kept).toBeGreaterThan(0);

  const city = page.getByLabel('City');
  await city.focus();
  await city.selectOption({ index: 1 });
  await expect(page).toHaveURL(/city=/);
  await expect(city).toBeFocused();
  expect(await scrollY()).toBe(kept);

  // Another path (from the footer, scrolled into view): to the top, focus on the page's heading.
  await page.getByRole('contentinfo').getByRole('link', { name: 'Terms and privacy' }).click();
  await expect(page).toHaveURL(/\/terms$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Terms of rental and privacy policy' })).toBeFocused();
  await expect.poll(scrollY).toBe(0);
});

test('an unexpected error shows a notice and keeps the page and what was typed', async ({ page, problems }) => {
  await page.goto('/register');
  await page.getByLabel('First name').fill('Ana');

  // An error nothing catches (as a dropped WebSocket or a payment widget could throw).
  await page.evaluate(() => setTimeout(() => {
    throw new Error('simulated failure of a live widget');
  }));
  await expect(page.getByRole('status').getByText('Something went wrong on this page. What you entered is still here')).toBeVisible();
  await expect(page).toHaveURL(/\/register$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();
  await expect(page.getByLabel('First name')).toHaveValue('Ana');

  // The next page no longer shows it.
  await page.getByRole('link', { name: 'terms of rental and privacy policy' }).evaluate((link) => link.removeAttribute('target'));
  await page.getByRole('link', { name: 'terms of rental and privacy policy' }).click();
  await expect(page).toHaveURL(/\/terms$/);
  await expect(page.getByText('Something went wrong on this page')).toHaveCount(0);

  // The simulated error was expected: it is not one of the page's problems.
  const expected = problems.filter((p) => p.includes('simulated failure of a live widget'));
  expect(expected.length).toBeGreaterThan(0);
  problems.splice(0, problems.length, ...problems.filter((p) => !expected.includes(p)));
});
