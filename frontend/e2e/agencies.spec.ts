import type { Page } from '@playwright/test';

import { formatPhone } from '../src/app/core/format/phone';
import { audit, expect, expectLanguageSwitchChangesEverything, screenshot, test } from './support';

interface Agency {
  id: string;
  name: string;
  code: string;
  city: string;
  countryCode: string;
  timeZone: string;
  currency: string;
  phone: string;
  email: string;
  address: { line1: string; line2: string | null; postalCode: string; city: string };
}

/**
 * The time now in `timeZone` (en-GB), for this minute and the next, by the browser's own time
 * zone data (the page runs in Europe/Paris: the agency's zone must win).
 */
function localTimes(page: Page, timeZone: string): Promise<string[]> {
  return page.evaluate((zone) => {
    const format = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone });
    const now = Date.now();
    return [format.format(now), format.format(now + 60_000)];
  }, timeZone);
}

test('agencies filtered by country show their opening hours in local time', async ({ page, request }) => {
  const all = (await (await request.get('/api/v1/agencies?country=CA&limit=100')).json()) as { items: Agency[] };
  expect(all.items.length, 'demo agencies in Canada').toBeGreaterThan(0);

  await page.goto('/');
  await page.getByRole('region', { name: 'Our countries' }).getByRole('link', { name: 'Canada' }).click();
  await expect(page).toHaveURL(/\/agencies\?country=CA$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Our agencies' })).toBeFocused();
  await expect(page.getByLabel('Country')).toHaveValue('CA');

  const cards = page.locator('.agency-card:not(.agency-card--skeleton)');
  await expect(cards).toHaveCount(Math.min(all.items.length, 20));
  await expect(page.getByRole('status').filter({ hasText: /agenc/ })).toContainText(String(Math.min(all.items.length, 20)));

  // Every card is a Canadian agency, with its local time, its zone and today's hours.
  for (const agency of all.items.slice(0, 20)) {
    const card = cards.filter({ has: page.getByRole('heading', { name: agency.name }) });
    await expect(card).toContainText('Canada');
    await expect(card.locator('.local-time')).toHaveText(
      new RegExp(`^Local time (${(await localTimes(page, agency.timeZone)).join('|')}) \\(GMT[−+-]\\d+(:\\d{2})?\\)$`),
    );
    await expect(card.locator('.open-status')).toHaveText(/^(Open now · closes at \d{2}:\d{2}|Open now · 24 hours a day, 7 days a week|Closed · opens .+ at \d{2}:\d{2}|Temporarily closed)$/);
    await expect(card.locator('.today-hours')).toHaveText(/^Today: ((\d{2}:\d{2}–\d{2}:\d{2}(, )?)+|Closed)$/);
    await expect(card).toContainText(/Prices in Canadian dollar \(CA\$\)/i);
    // Customers see names, not codes: no agency code, no ISO country code, no IANA zone.
    await expect(card).not.toContainText(agency.code);
    await expect(card).not.toContainText(agency.timeZone);
  }
  await audit(page, 'agencies (Canada)');
  await screenshot(page, 'agencies');

  // Filter by city too.
  const city = all.items[0].city;
  await page.getByLabel('City').selectOption(city);
  await expect(page).toHaveURL(new RegExp(`city=${encodeURIComponent(city).replace(/%20/g, '(%20|\\+)')}`));
  const inCity = all.items.filter((a) => a.city === city);
  await expect(cards).toHaveCount(inCity.length);

  const sameInBothLanguages = [...inCity.flatMap((a) => [a.name, a.city, `${a.address.line1}, ${a.address.postalCode} ${a.address.city}`, `${a.city}, Canada`]), 'Canada', city];
  await expectLanguageSwitchChangesEverything(page, 'fr', sameInBothLanguages);
  await expect(cards.first().locator('.local-time')).toHaveText(/^Heure locale /);
  await expectLanguageSwitchChangesEverything(page, 'en', sameInBothLanguages);

  // The detail page: address, contact, zone, currency and the whole week in local time.
  const agency = inCity[0];
  await cards.first().getByRole('link', { name: agency.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: agency.name })).toBeVisible();
  await expect(page).toHaveTitle(`${agency.name} · Your Car Your Way`);
  const table = page.getByRole('table');
  await expect(table.locator('caption')).toContainText('local time (GMT');
  await expect(table.locator('tbody tr')).toHaveCount(7);
  await expect(table.locator('tbody tr').first().locator('th')).toContainText('Monday');
  await expect(table.locator('tr[aria-current="date"]')).toHaveCount(1);
  const today = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: agency.timeZone }).format(Date.now());
  await expect(table.locator('tr[aria-current="date"] th')).toContainText(today);
  await expect(page.getByText(/^Canadian dollar \(CA\$\)$/i)).toBeVisible();
  await expect(page.getByText(/^(Eastern|Pacific|Mountain|Central|Atlantic|Newfoundland) Time \(GMT[−+-]\d+(:\d{2})?\)$/)).toBeVisible();
  await expect(page.getByRole('link', { name: formatPhone(agency.phone) })).toHaveAttribute('href', `tel:${agency.phone}`);
  await expect(page.getByRole('main')).not.toContainText(agency.code);
  await expect(page.getByRole('main')).not.toContainText(agency.timeZone);
  await audit(page, 'agency detail');
  await screenshot(page, 'agency-detail');
  await expectLanguageSwitchChangesEverything(page, 'fr', [
    agency.name, `${agency.name} · Your Car Your Way`, agency.address.line1, `${agency.address.postalCode} ${agency.address.city}`, formatPhone(agency.phone), 'Canada', `${agency.city}, Canada`,
  ]);
  await expect(table.locator('tbody tr').first().locator('th')).toContainText('lundi');

  // "Book here" starts a search from this agency.
  await page.getByRole('link', { name: 'Réserver une voiture ici' }).click();
  await expect(page).toHaveURL(new RegExp(`/\\?pickupAgencyId=${agency.id}$`));
  await expect(page.getByRole('combobox', { name: 'Départ : ville ou agence' })).toHaveValue(agency.name);
});

test('an unknown agency shows a clear message', async ({ page }) => {
  await page.goto('/agencies/00000000-0000-7000-8000-000000000000');
  await expect(page.getByRole('heading', { level: 1, name: 'Agency not found' })).toBeVisible();
  await audit(page, 'agency not found');
});
