import type { Page } from '@playwright/test';

import { PASSWORD } from './api';
import { waitForLink } from './mail';
import { audit, expect, screenshot, test, uniqueEmail } from './support';

/** `YYYY-MM-DD`, `days` from today, moved forward to the next Tuesday (every demo agency opens then). */
function tuesdayIn(days: number): Date {
  const date = new Date();
  date.setUTCHours(12, 0, 0, 0);
  date.setUTCDate(date.getUTCDate() + days);
  while (date.getUTCDay() !== 2) date.setUTCDate(date.getUTCDate() + 1);
  return date;
}
const iso = (date: Date) => date.toISOString().slice(0, 10);
const plusDays = (date: Date, days: number) => new Date(date.getTime() + days * 86_400_000);

/** Picks `day` in the app's date picker whose button is `#id` (month by month, as a user would). */
async function pickDate(page: Page, id: string, day: string): Promise<void> {
  await page.locator(`#${id}`).click();
  const popup = page.locator(`#${id} ~ .date-field__popup`);
  await expect(popup.getByRole('grid')).toBeVisible();
  for (let i = 0; i < 14 && !(await popup.locator(`[data-day="${day}"]`).isVisible()); i++) {
    await popup.getByRole('button', { name: 'Next month' }).click();
  }
  await popup.locator(`[data-day="${day}"]`).click();
  await expect(popup).toHaveCount(0);
}

/** Pays on the Stripe simulator's hosted page and comes back to the SPA. */
async function payInSimulator(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/checkout\/cs_/);
  await expect(page.getByText(/Stripe simulator/).first()).toBeVisible();
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]+\?checkout=success/);
}

test('a customer registers, searches, books, pays, changes the dates and cancels with the refund shown', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const email = uniqueEmail(`booking.${testInfo.project.name}`);
  const pickupDay = tuesdayIn(12);
  const returnDay = plusDays(pickupDay, 3);

  // Register and confirm the address (the emailed link, read from the SMTP sink).
  await page.goto('/register');
  await page.getByLabel('First name').fill('Camille');
  await page.getByLabel('Last name').fill('Durand');
  await page.getByLabel('Date of birth').fill('1987-09-12');
  await page.getByLabel('Street and number').fill('8 rue des Lilas');
  await page.getByLabel('Country').selectOption('FR');
  await page.getByLabel('Postal code').fill('69003');
  await page.getByLabel('City').fill('Lyon');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel(/I have read and accept/).check();
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await page.goto(await waitForLink(email, '/verify-email'));
  await expect(page.getByRole('heading', { name: 'Your email address is confirmed' })).toBeVisible();

  // Search from the home page, still signed out: the form is above the fold.
  await page.goto('/');
  const pickupPlace = page.getByRole('combobox', { name: 'Pick-up: city or agency' });
  await expect(pickupPlace).toBeInViewport();
  await pickupPlace.fill('Pari');
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.getByRole('option', { name: /^Paris All our agencies/ }).click();
  await expect(pickupPlace).toHaveValue('Paris');
  await expect(page.getByLabel('Return the car to the same place')).toBeChecked();
  await pickDate(page, 'search-pickup-date', iso(pickupDay));
  await page.getByLabel('Time').first().selectOption('10:00');
  await pickDate(page, 'search-return-date', iso(returnDay));
  await page.getByLabel('Time').nth(1).selectOption('10:00');
  await audit(page, 'home (search)');
  await screenshot(page, 'home-search');
  await page.getByRole('button', { name: 'Show cars' }).click();

  // Offers: criteria in the URL, cards decoded from ACRISS, totals in euros and per day.
  await expect(page).toHaveURL(new RegExp(`/offers\\?pickupCity=Paris&pickupAt=${iso(pickupDay)}T10:00&returnAt=${iso(returnDay)}T10:00`));
  await expect(page.getByRole('heading', { level: 1, name: 'Available cars' })).toBeFocused();
  // The title comes from the feature's own dictionary, loaded with its chunk.
  await expect(page).toHaveTitle('Available cars · Your Car Your Way');
  const cards = page.locator('.offer-card:not(.offer-card--skeleton)');
  await expect(cards.first()).toBeVisible();
  await expect(cards.first()).toContainText(/\d seats/);
  await expect(cards.first()).toContainText(/suitcase/);
  await expect(cards.first()).toContainText(/Manual|Automatic/);
  await expect(cards.first().locator('.offer-card__total')).toHaveText(/^€\d+\.\d{2}$/);
  await expect(cards.first().locator('.offer-card__perday')).toHaveText(/^€\d+\.\d{2} per day$/);
  await expect(page.getByRole('status').filter({ hasText: /cars? available/ })).toBeVisible();
  await page.getByLabel('Sort by').selectOption('priceDesc');
  await expect(page).toHaveURL(/sort=priceDesc/);
  await page.getByLabel('Sort by').selectOption('price');
  await audit(page, 'offers');
  await screenshot(page, 'offers');
  const total = (await cards.first().locator('.offer-card__total').textContent())!.trim();
  await cards.first().getByRole('link', { name: /^Choose / }).click();

  // The booking summary asks to sign in on the page, then shows the driver from the profile.
  await expect(page).toHaveURL(/\/book\?pickupAgencyId=/);
  await expect(page.getByRole('heading', { name: 'Sign in to book' })).toBeVisible();
  await expect(page).toHaveTitle('Your booking · Your Car Your Way');
  await audit(page, 'booking (signed out)');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Driver' })).toBeVisible();
  await expect(page.getByText('Camille Durand')).toBeVisible();
  await expect(page.locator('.price-summary__total dd')).toHaveText(total);
  await page.getByRole('button', { name: 'Reserve this car' }).click();
  await expect(page.locator('#booking-accept-error')).toBeVisible();
  await audit(page, 'booking');
  await screenshot(page, 'booking');
  await page.getByLabel(/I have read the rental conditions/).check();
  await page.getByRole('button', { name: 'Reserve this car' }).click();

  // Held for 30 minutes, paid on the simulator's Checkout page.
  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]+$/);
  const reservationUrl = page.url();
  await expect(page.getByRole('heading', { name: 'Complete your payment' })).toBeVisible();
  await expect(page.locator('.hold-timer')).toHaveText(/^Your car is held for (29|30):\d{2} more minutes\.$/);
  await expect(page.getByTestId('status')).toHaveText('Awaiting payment');
  await audit(page, 'reservation (awaiting payment)');
  await screenshot(page, 'reservation-pending');
  await page.getByRole('button', { name: `Pay ${total}` }).click();
  await payInSimulator(page);

  // Confirmed only once the webhook has been processed: the page polls the reservation.
  await expect(page.getByText('Your reservation is confirmed')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('status')).toHaveText('Confirmed');
  await expect(page.getByTestId('pickup-at')).toContainText(`10:00 (UTC+1)`);
  await audit(page, 'reservation (confirmed)');
  await screenshot(page, 'reservation-confirmed');

  // Change the dates: one more day; the new price and the difference come before confirming.
  await page.getByRole('button', { name: 'Change the dates' }).click();
  await pickDate(page, 'modify-return-date', iso(plusDays(returnDay, 1)));
  await page.getByRole('button', { name: 'See the new price' }).click();
  await expect(page.getByTestId('new-total')).toHaveText(/^€\d+\.\d{2}$/);
  await expect(page.locator('.quote')).toContainText('To pay now');
  const difference = (await page.getByTestId('difference').textContent())!.trim();
  expect(Number(difference.replace(/[^\d.]/g, ''))).toBeGreaterThan(0);
  await audit(page, 'reservation (change quote)');
  await screenshot(page, 'reservation-modify');
  await page.getByRole('button', { name: 'Confirm and pay the difference' }).click();
  await expect(page.getByText(`Pay ${difference}`).first()).toBeVisible();
  await payInSimulator(page);
  await expect(page.getByText('Your reservation is confirmed')).toBeVisible({ timeout: 60_000 });
  const newReturn = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(plusDays(returnDay, 1));
  await expect(page.getByTestId('return-at')).toContainText(newReturn);

  // Cancel: the refund quote (100 %, more than 7 days ahead) is shown before confirming.
  await page.goto(reservationUrl);
  await page.getByRole('button', { name: 'Cancel the reservation…' }).click();
  await expect(page.getByRole('heading', { name: 'Your refund' })).toBeVisible();
  await expect(page.locator('.quote')).toContainText('Refund (100 %)');
  const refund = (await page.getByTestId('refund-quote').textContent())!.trim();
  expect(Number(refund.replace(/[^\d.]/g, ''))).toBeCloseTo(Number(total.replace(/[^\d.]/g, '')) + Number(difference.replace(/[^\d.]/g, '')), 2);
  await audit(page, 'reservation (cancellation quote)');
  await screenshot(page, 'reservation-cancel');
  await page.getByRole('button', { name: 'Confirm the cancellation' }).click();
  await expect(page.getByRole('heading', { name: 'Reservation cancelled' })).toBeVisible();
  await expect(page.getByTestId('refund-done')).toHaveText(`We are refunding ${refund} (100 %) to your card.`);
  await expect(page.getByTestId('status')).toHaveText('Cancelled');
  await audit(page, 'reservation (cancelled)');

  // My reservations lists it.
  await page.goto('/reservations');
  await expect(page.getByRole('heading', { level: 1, name: 'My reservations' })).toBeVisible();
  await page.getByRole('link', { name: 'Past' }).click();
  await page.getByRole('link', { name: 'Upcoming' }).click();
  await audit(page, 'my reservations');
  await screenshot(page, 'my-reservations');
});
