import { readFile } from 'node:fs/promises';

import { PASSWORD } from './api';
import { waitForLink } from './mail';
import { audit, expect, expectLanguageSwitchChangesEverything, openRegistration, screenshot, test, uniqueEmail } from './support';

test('a customer registers, confirms the email, signs in, edits the profile, exports the data and signs out', async ({ page, problems }) => {
  const email = uniqueEmail('ana.silva');

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('The right car, wherever your journey starts');
  await audit(page, 'home');
  await screenshot(page, 'home');

  await openRegistration(page, 'Create an account', 'Sign in');
  await expect(page).toHaveURL(/\/register$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeFocused();

  // Client-side checks: every required field says so, and the first invalid one gets the focus.
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByText('Some fields need your attention')).toBeVisible();
  await expect(page.getByLabel('First name')).toBeFocused();
  await expect(page.locator('#firstName-error')).toHaveText(/This field is required/);
  await expect(page.getByLabel('First name')).toHaveAttribute('aria-invalid', 'true');
  await audit(page, 'register (errors)');

  await page.getByLabel('First name').fill('Ana');
  await page.getByLabel('Last name').fill('Silva');
  await page.getByLabel('Date of birth').fill('1990-04-02');
  await page.getByLabel('Phone number').fill('+33 6 12 34 56 78');
  await page.getByLabel('Street and number').fill('10 rue de Rivoli');
  await page.getByLabel('Country').selectOption('FR');
  await page.getByLabel('Postal code').fill('7500'); // wrong for France: the API says so
  await page.getByLabel('City').fill('Paris');
  await page.getByLabel('Email address').fill(email);

  // The password rules are ticked while typing.
  const password = page.getByLabel('New password');
  await password.fill('short');
  await expect(page.locator('#password-rules li').first()).not.toHaveClass(/met/);
  await password.fill(PASSWORD);
  await expect(page.locator('#password-rules li').first()).toHaveClass(/met/);
  await page.getByLabel(/I have read and accept/).check();

  // A problem+json field error lands next to its field (address.postalCode).
  const registration = page.waitForRequest((r) => r.url().endsWith('/api/v1/auth/registrations'));
  await page.getByRole('button', { name: 'Create my account' }).click();
  expect((await registration).postDataJSON()).toMatchObject({ email, locale: 'en', acceptTerms: true, address: { countryCode: 'FR' } });
  await expect(page.locator('#address-postalCode-error')).toHaveText(/does not match the chosen country/);
  await expect(page.getByLabel('Postal code')).toBeFocused();
  await screenshot(page, 'register-field-error');

  await page.getByLabel('Postal code').fill('75001');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();

  // The emailed link confirms the address.
  const link = await waitForLink(email, '/verify-email');
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Your email address is confirmed' })).toBeVisible();
  await audit(page, 'verify-email');
  await page.getByRole('link', { name: 'Sign in' }).last().click();

  await expect(page.getByRole('heading', { level: 1, name: 'Welcome back' })).toBeFocused();
  await audit(page, 'sign-in');
  await screenshot(page, 'sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // A customer lands on their reservations; the profile is in the account menu.
  await expect(page).toHaveURL(/\/reservations$/);
  await expect(page.getByRole('heading', { level: 1, name: 'My reservations' })).toBeVisible();
  await page.getByRole('button', { name: 'My account' }).click();
  await page.getByRole('link', { name: 'Profile' }).click();

  // Profile: view, then edit.
  await expect(page).toHaveURL(/\/account\/profile$/);
  await expect(page.getByRole('heading', { level: 1, name: 'My profile' })).toBeVisible();
  await expect(page.getByText('Ana Silva')).toBeVisible();
  await expect(page.getByText('2 April 1990')).toBeVisible();
  await audit(page, 'profile');
  await page.getByRole('button', { name: 'Edit my profile' }).click();
  await expect(page.getByLabel('First name')).toBeFocused();
  await page.getByLabel('Street and number').fill('24 Kurfürstendamm');
  await page.getByLabel('Country').selectOption('DE');
  await page.getByLabel('Postal code').fill('10719');
  await page.getByLabel('City').fill('Berlin');
  await page.getByLabel('Phone number').fill('+49 30 1234567');
  await audit(page, 'profile (edit)');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Your profile has been updated.')).toBeVisible();
  await expect(page.getByText('+49301234567')).toBeVisible();
  await expect(page.getByText('Berlin')).toBeVisible();
  await screenshot(page, 'account-profile');

  await expectLanguageSwitchChangesEverything(page, 'fr', ['Ana Silva', '24 Kurfürstendamm', '10719 Berlin', '+49301234567', /^Ana$/]);
  await expect(page.getByText('Informations personnelles')).toBeVisible();
  await expect(page.getByText('2 avril 1990')).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();

  // The session survives a reload: the refresh cookie gives a new access token.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'My profile' })).toBeVisible();
  await expect(page.getByText('Ana Silva')).toBeVisible();

  // Export: a JSON file with what the API holds.
  await page.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'My data' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My data' })).toBeFocused();
  await audit(page, 'my data');
  await screenshot(page, 'account-data');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download my data' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('ycyw-my-data.json');
  const exported = await readFile((await file.path()) as string, 'utf8');
  expect(exported).toContain(email);
  expect(exported).toContain('Berlin');
  // Every module's section is there, empty or not: the reservations, payments, conversations and emails.
  const sections = JSON.parse(exported) as Record<string, unknown>;
  for (const section of ['account', 'sessions', 'reservations', 'payments', 'support', 'emails']) expect(sections, section).toHaveProperty(section);
  expect(Array.isArray(sections['reservations']), 'reservations is a list').toBe(true);
  expect(Array.isArray(sections['support']), 'support is a list of conversations').toBe(true);
  await expect(page.getByText('Your file ycyw-my-data.json has been downloaded.')).toBeVisible();

  // Sign out from the account menu.
  await page.getByRole('button', { name: 'My account', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You are signed out. See you soon!')).toBeVisible();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/account/profile');
  await expect(page).toHaveURL(/\/sign-in\?returnUrl=%2Faccount%2Fprofile$/);
  expect(problems).toEqual([]);
});
