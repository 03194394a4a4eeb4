import { audit, expect, expectLanguageSwitchChangesEverything, openRegistration, screenshot, test } from './support';

test('the home page switches language entirely, and the choice is remembered and sent at registration', async ({ page }) => {
  await page.goto('/');
  await expectLanguageSwitchChangesEverything(page, 'fr', ['France', 'Canada']);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('La bonne voiture, où que commence votre voyage');
  await expect(page).toHaveTitle('Location de voitures dans 7 pays · Your Car Your Way');
  await expect(page.getByRole('button', { name: 'Français' })).toHaveAttribute('aria-pressed', 'true');
  await audit(page, 'home (fr)');

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('La bonne voiture, où que commence votre voyage');

  // The registration carries the language chosen (the API answer is stubbed: no account made).
  await page.route('**/api/v1/auth/registrations', (route) =>
    route.fulfill({ status: 201, contentType: 'application/json', body: '{"email":"x@example.com","status":"verification_sent"}' }),
  );
  await openRegistration(page, 'Créer un compte', 'Se connecter');
  // The register page is a lazy chunk: compare its texts, not the home page's still on screen.
  await expect(page.getByRole('heading', { level: 1, name: 'Créez votre compte' })).toBeVisible();
  await expectLanguageSwitchChangesEverything(page, 'en', []);
  await page.getByRole('button', { name: 'Français' }).click();
  await page.getByLabel('Prénom').fill('Zoé');
  await page.locator('#lastName').fill('Bernard');
  await page.getByLabel('Date de naissance').fill('1985-09-12');
  await page.getByLabel('Numéro et voie').fill('3 place Bellecour');
  await page.getByLabel('Pays').selectOption('FR');
  await page.getByLabel('Code postal').fill('69002');
  await page.getByLabel('Ville').fill('Lyon');
  await page.getByLabel('Adresse e-mail').fill('zoe.bernard@example.com');
  await page.getByLabel('Nouveau mot de passe').fill('violet-tractor-harbour-42');
  await page.getByLabel(/J’ai lu et j’accepte/).check();
  await screenshot(page, 'register-fr');
  const request = page.waitForRequest('**/api/v1/auth/registrations');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  expect((await request).postDataJSON()).toMatchObject({ locale: 'fr', firstName: 'Zoé', birthDate: '1985-09-12' });
  await expect(page.getByRole('heading', { name: 'Consultez votre boîte de réception' })).toBeVisible();
});

test('keyboard users skip to the content, and the focus moves to the heading on navigation', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  // Through the header by keyboard only: the agencies link.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Our agencies' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/agencies$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Our agencies' })).toBeFocused();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Our agencies' })).toHaveAttribute('aria-current', 'page');
});

test('unknown pages get a 404, broken links an explanation, and the error page offers a way back', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1, name: 'We can’t find this page' })).toBeVisible();
  await expect(page).toHaveTitle('Page not found · Your Car Your Way');
  await audit(page, '404');
  await screenshot(page, 'not-found');
  await expectLanguageSwitchChangesEverything(page, 'fr', ['404']);
  await page.getByRole('button', { name: 'English' }).click();

  await page.goto('/verify-email?token=not-a-real-token');
  await expect(page.getByRole('heading', { level: 1, name: 'This link no longer works' })).toBeVisible();
  await audit(page, 'verify-email (invalid)');

  await page.goto('/reset-password');
  await expect(page.getByRole('link', { name: 'Get a new link' })).toBeVisible();

  await page.goto('/error');
  await expect(page.getByRole('heading', { level: 1, name: 'Something went wrong' })).toBeVisible();
  await audit(page, 'error page');
  await expectLanguageSwitchChangesEverything(page, 'fr', ['!']);

  await page.goto('/terms');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Conditions de location et politique de confidentialité');
  await audit(page, 'terms');
  await expectLanguageSwitchChangesEverything(page, 'en', []);
});
