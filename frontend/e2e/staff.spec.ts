import { someAgency } from './api';
import { waitForLink } from './mail';
import { audit, expect, expectLanguageSwitchChangesEverything, screenshot, test, uniqueEmail, worker } from './support';

const STAFF_PASSWORD = 'granite-orchard-sextant-31';

test('an agent sets the password from the invitation link and signs in', async ({ page, request }) => {
  const agency = await someAgency(request);
  const email = uniqueEmail('agent');
  await worker('create-staff', '--role', 'agent', '--email', email, '--agency', agency.id);

  const link = await waitForLink(email, '/set-password');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Set the password of your staff account' })).toBeVisible();
  // A staff page: no customer sign-up in the header, and no rule ticked that the page cannot check.
  await expect(page.getByRole('banner').getByRole('link', { name: 'Create an account' })).toHaveCount(0);
  await page.getByLabel('New password', { exact: true }).fill(STAFF_PASSWORD);
  await expect(page.locator('#password-rules li.met')).toHaveCount(1);
  await page.getByLabel('New password', { exact: true }).fill('');
  await audit(page, 'set password');
  await expectLanguageSwitchChangesEverything(page, 'fr');
  await expectLanguageSwitchChangesEverything(page, 'en');
  await page.getByLabel('New password', { exact: true }).fill(STAFF_PASSWORD);
  await page.getByLabel('Confirm the new password').fill(STAFF_PASSWORD);
  await screenshot(page, 'staff-set-password');
  await page.getByRole('button', { name: 'Set my password' }).click();

  await expect(page.getByText('Your password is set. You can now sign in to your staff account.')).toBeVisible();
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // An agent lands on their agency's desk; the profile is in the account menu.
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.getByRole('heading', { level: 1, name: /^Pickups and returns · / })).toBeVisible();
  await page.getByRole('button', { name: 'My account' }).click();
  await page.getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My profile' })).toBeVisible();
  await expect(page.getByText('Agency staff')).toBeVisible();
  await page.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'My data' }).click();
  await expect(page.getByText('Staff accounts are closed by our operations team.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete my account…' })).toHaveCount(0);
});
