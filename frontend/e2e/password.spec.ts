import { PASSWORD, verifiedCustomer } from './api';
import { waitForLink } from './mail';
import { audit, expect, expectLanguageSwitchChangesEverything, screenshot, test, uniqueEmail } from './support';

const NEW_PASSWORD = 'saffron-lighthouse-canal-77';

test('a customer who forgot the password resets it from the emailed link and signs in with the new one', async ({ page, request }) => {
  const email = uniqueEmail('forgetful');
  await verifiedCustomer(request, email);

  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reset your password' })).toBeFocused();
  await audit(page, 'forgot password');
  await expectLanguageSwitchChangesEverything(page, 'fr');
  await expectLanguageSwitchChangesEverything(page, 'en');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();

  const link = await waitForLink(email, '/reset-password');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
  await audit(page, 'reset password');
  await expectLanguageSwitchChangesEverything(page, 'fr');
  await expectLanguageSwitchChangesEverything(page, 'en');
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Confirm the new password').fill('something-else-entirely');
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.locator('#confirmation-error')).toHaveText(/The two passwords are different/);
  await page.getByLabel('Confirm the new password').fill(NEW_PASSWORD);
  await screenshot(page, 'reset-password');
  await page.getByRole('button', { name: 'Change my password' }).click();

  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByText('Your password has been changed. You can now sign in with it.')).toBeVisible();

  // The old password no longer works; the new one does.
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The email address or the password is incorrect.')).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My reservations' })).toBeVisible();

  // The link was single-use.
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('another-fresh-password-9');
  await page.getByLabel('Confirm the new password').fill('another-fresh-password-9');
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
});

test('sign-in explains an unconfirmed address, then a lockout after five wrong passwords', async ({ page, request }) => {
  const unconfirmed = uniqueEmail('unconfirmed');
  const registration = await request.post('/api/v1/auth/registrations', {
    data: {
      email: unconfirmed, password: PASSWORD, firstName: 'Jo', lastName: 'Doe', birthDate: '1979-01-20', phone: null,
      address: { line1: '1 Main Street', line2: null, postalCode: '10001', city: 'New York', countryCode: 'US' },
      locale: 'en', acceptTerms: true,
    },
  });
  expect(registration.status()).toBe(201);
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(unconfirmed);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Please confirm your email address first')).toBeVisible();

  const email = uniqueEmail('locked');
  await verifiedCustomer(request, email);
  await page.getByLabel('Email address').fill(email);
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel('Password', { exact: true }).fill(`wrong-password-${attempt}`);
    // The message of the attempt before is still shown: wait for this attempt's answer, or the
    // next fill races the form clearing the password when this answer lands.
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/sessions') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await answered).status()).toBe(401);
    await expect(page.getByText('The email address or the password is incorrect.')).toBeVisible();
  }
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/this account is locked for security\. Try again in 15 min/)).toBeVisible();
  await audit(page, 'sign-in (locked)');
  await screenshot(page, 'sign-in-locked');
});
