import { PASSWORD, verifiedCustomer } from './api';
import { audit, expect, screenshot, test, uniqueEmail } from './support';

test('a customer deletes the account with the password and can no longer sign in', async ({ page, request }) => {
  const email = uniqueEmail('leaving');
  await verifiedCustomer(request, email);

  await page.goto('/account/privacy');
  await expect(page).toHaveURL(/\/sign-in\?returnUrl=%2Faccount%2Fprivacy$/);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account\/privacy$/);

  const opener = page.getByRole('button', { name: 'Delete my account…' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Delete your account permanently?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('This cannot be undone.')).toBeVisible();
  await expect(dialog.getByLabel('Enter your password to confirm')).toBeFocused();
  await audit(page, 'delete dialog');
  await screenshot(page, 'delete-account');

  // Escape closes the dialog and gives the focus back.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await opener.click();
  await dialog.getByLabel('Enter your password to confirm').fill('not-my-password-at-all');
  await dialog.getByRole('button', { name: 'Delete my account permanently' }).click();
  await expect(dialog.getByText('The password is not correct.')).toBeVisible();

  await dialog.getByLabel('Enter your password to confirm').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Delete my account permanently' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText('Your account has been deleted.')).toBeVisible();

  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The email address or the password is incorrect.')).toBeVisible();
});
