import { PASSWORD, accessToken, reservationPickedUpToday, someAgency, staffUser, verifiedCustomer } from './api';
import { auditAndShootBoth, expect, expectLanguageSwitchChangesEverything, test, uniqueEmail } from './support';

test('an agent hands a car over and takes it back from their agency’s day list; a refused action shows why', async ({ page, request }) => {
  test.setTimeout(150_000);
  const customer = uniqueEmail('agent.customer');
  await verifiedCustomer(request, customer);
  const booked = await reservationPickedUpToday(request, customer);
  const agentEmail = uniqueEmail('agent.desk');
  await staffUser(request, 'agent', agentEmail, booked.agency.id);

  // Sign-in lands on the desk: today's list of the agent's agency (the API's today there).
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(agentEmail);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.getByRole('heading', { level: 1, name: `Pickups and returns · ${booked.agency.name}` })).toBeVisible();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Create an account' })).toHaveCount(0);
  const pickup = page.locator(`li[data-reference="${booked.reference}"]`);
  await expect(pickup.getByText('Pickup', { exact: true })).toBeVisible();
  await expect(pickup.getByText('Confirmed')).toBeVisible();
  await auditAndShootBoth(page, 'agent-day');
  await expectLanguageSwitchChangesEverything(page, 'fr', [booked.agency.name, /YCW-/, /^Léa Martin/, /or similar|\(/, /^[A-Z]{4}$/, /^\(/, /^UTC/]);
  await page.getByRole('button', { name: 'English' }).click();

  // A no-show before pickup + 2 h: the API refuses, the page says why (409 invalid_transition).
  await pickup.getByRole('button', { name: /^Record a no-show/ }).click();
  await expect(pickup.getByRole('alert')).toHaveText('This is not possible in the reservation’s current state. Reload the page to see it.');

  // Hand the car over.
  await pickup.getByRole('button', { name: /^Hand over the car/ }).click();
  await expect(page.getByRole('status').getByText(`Car handed over for ${booked.reference}.`)).toBeAttached();
  await expect(pickup.getByText('In progress', { exact: true })).toBeVisible();
  await expect(pickup.getByRole('button', { name: /^Hand over the car/ })).toHaveCount(0);

  // The return day (the app's date picker, agency-local dates): take the car back.
  await page.getByRole('button', { name: 'Next day' }).click();
  await expect(page).toHaveURL(new RegExp(`/agent\\?date=${booked.returnDate}$`));
  const back = page.locator(`li[data-reference="${booked.reference}"]`);
  await expect(back.getByText('Return', { exact: true })).toBeVisible();
  await back.getByRole('button', { name: /^Take the car back/ }).click();
  await expect(back.getByText('Completed', { exact: true })).toBeVisible();
  await expect(page.getByRole('status').getByText(`Car taken back for ${booked.reference}.`)).toBeAttached();
  await auditAndShootBoth(page, 'agent-return');

  // The customer's reservation says so.
  const token = ((await (await request.post('/api/v1/auth/sessions', { data: { email: customer, password: PASSWORD } })).json()) as { accessToken: string }).accessToken;
  const list = await request.get('/api/v1/reservations?scope=past', { headers: { Authorization: `Bearer ${token}` } });
  const mine = ((await list.json()) as { items: { reference: string; status: string }[] }).items.find((r) => r.reference === booked.reference);
  expect(mine?.status ?? 'returned').toBe('returned');
});

test('an agent adds a vehicle to the fleet, deactivates it, and changes a rate of their agency', async ({ page, request }) => {
  test.setTimeout(120_000);
  const agency = await someAgency(request, 'CA');
  const agentEmail = uniqueEmail('agent.fleet');
  await staffUser(request, 'agent', agentEmail, agency.id);
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(agentEmail);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/agent$/);

  // The fleet: add a car, see it in the table, deactivate it.
  await page.getByRole('navigation', { name: 'Agency desk' }).getByRole('link', { name: 'Fleet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Fleet · ${agency.name}` })).toBeVisible();
  const plate = `E2E-${Date.now().toString(36).toUpperCase().slice(-5)}`;
  await page.getByLabel('Category').selectOption({ index: 1 });
  await page.getByLabel('Plate').fill(plate);
  await page.getByLabel('Make and model').fill('Toyota Corolla');
  await page.getByRole('button', { name: 'Add the vehicle' }).click();
  await expect(page.getByRole('status').getByText(`Vehicle ${plate} added.`)).toBeAttached();
  const row = page.locator(`tr[data-plate="${plate}"]`);
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  await auditAndShootBoth(page, 'agent-fleet');
  await row.getByRole('button', { name: /^Deactivate/ }).click();
  await expect(row.getByText('Inactive', { exact: true })).toBeVisible();

  // The rates: raise the first daily rate by one unit, saved as the whole set; then put it back.
  await page.getByRole('navigation', { name: 'Agency desk' }).getByRole('link', { name: 'Rates' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Rates · ${agency.name}` })).toBeVisible();
  const token = await accessToken(request, agentEmail);
  const rates = async () =>
    ((await (await request.get(`/api/v1/agencies/${agency.id}/rates`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      items: { dailyRate: { amountMinor: number } }[];
    }).items;
  const before = (await rates())[0].dailyRate.amountMinor;
  const daily = page.getByLabel(/^Daily rate \(CAD\) · Rate 1$/);
  const original = await daily.inputValue();
  await daily.fill((before / 100 + 1).toFixed(2));
  await page.getByRole('button', { name: 'Save the rates' }).click();
  await expect(page.getByRole('status').getByText('Rates saved.')).toBeAttached();
  expect((await rates())[0].dailyRate.amountMinor).toBe(before + 100);
  await auditAndShootBoth(page, 'agent-rates');
  await daily.fill(original);
  await page.getByRole('button', { name: 'Save the rates' }).click();
  await expect.poll(async () => (await rates())[0].dailyRate.amountMinor).toBe(before);
});

test('the staff areas do not load for customers', async ({ page, request }) => {
  const email = uniqueEmail('staff.areas');
  await verifiedCustomer(request, email);
  const chunks: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') chunks.push(r.url());
  });
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/reservations$/);
  await page.goto('/console');
  await expect(page.getByRole('heading', { level: 1, name: 'We can’t find this page' })).toBeVisible();
  await page.goto('/agent');
  await expect(page.getByRole('heading', { level: 1, name: 'We can’t find this page' })).toBeVisible();
  // Every script fetched along the way: none of them is the console's or the desk's.
  const staff: string[] = [];
  for (const url of new Set(chunks)) {
    const code = await (await request.get(url)).text();
    if (code.includes('console.queue.heading') || code.includes('agent.day.heading')) staff.push(url);
  }
  expect(staff, 'staff chunks fetched by a customer').toEqual([]);
});
