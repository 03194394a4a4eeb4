import { APIRequestContext, expect } from '@playwright/test';

import { waitForLink } from './mail';
import { worker } from './support';

export const PASSWORD = 'violet-tractor-harbour-42';

/** A verified customer account, made through the API (for specs about something else). */
export async function verifiedCustomer(request: APIRequestContext, email: string, password = PASSWORD): Promise<void> {
  const registration = await request.post('/api/v1/auth/registrations', {
    data: {
      email,
      password,
      firstName: 'Léa',
      lastName: 'Martin',
      birthDate: '1988-06-15',
      phone: null,
      address: { line1: '5 quai de la Fosse', line2: null, postalCode: '44000', city: 'Nantes', countryCode: 'FR' },
      locale: 'en',
      acceptTerms: true,
    },
  });
  expect(registration.status()).toBe(201);
  const link = await waitForLink(email, '/verify-email');
  const token = new URL(link).searchParams.get('token');
  const verification = await request.post('/api/v1/auth/email-verifications', { data: { token } });
  expect(verification.status()).toBe(204);
}

/** One agency of the demo catalog. */
export async function someAgency(request: APIRequestContext, country = 'FR'): Promise<{ id: string; name: string }> {
  const response = await request.get(`/api/v1/agencies?country=${country}&limit=1`);
  expect(response.ok()).toBeTruthy();
  const page = (await response.json()) as { items: { id: string; name: string }[] };
  expect(page.items.length, `the demo catalog has agencies in ${country} (ycyw-worker seed-demo)`).toBeGreaterThan(0);
  return page.items[0];
}

/** A staff account (`ycyw-worker create-staff`) whose password is set through its invitation link. */
export async function staffUser(request: APIRequestContext, role: 'support' | 'agent', email: string, agencyId?: string): Promise<void> {
  await worker('create-staff', '--role', role, '--email', email, ...(agencyId ? ['--agency', agencyId] : []));
  const token = new URL(await waitForLink(email, '/set-password')).searchParams.get('token');
  const reset = await request.post('/api/v1/auth/password-resets', { data: { token, newPassword: PASSWORD } });
  expect(reset.status()).toBe(204);
}

/** Signs in through the API and answers the access token. */
export async function accessToken(request: APIRequestContext, email: string, password = PASSWORD): Promise<string> {
  const response = await request.post('/api/v1/auth/sessions', { data: { email, password } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** The agencies open around the clock: one of them has a pickup at least 2 h ahead that is still today, local time. */
const ROUND_THE_CLOCK = ['FRA-APT', 'LON-LHR', 'YYZ-APT', 'LAX-APT'];

/** `YYYY-MM-DDTHH:MM` on the clock of `timeZone`, `minutes` from now. */
function localIn(timeZone: string, minutes: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(Date.now() + minutes * 60_000));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/**
 * A paid reservation whose pickup is today at an agency open around the clock (booked by
 * `email` through the API, paid on the Stripe simulator): what an agent hands over today.
 */
export async function reservationPickedUpToday(
  request: APIRequestContext,
  email: string,
): Promise<{ agency: { id: string; name: string; code: string }; reference: string; pickupDate: string; returnDate: string }> {
  const token = await accessToken(request, email);
  const headers = { Authorization: `Bearer ${token}` };
  const all = (await (await request.get('/api/v1/agencies?limit=100')).json()) as { items: { id: string; name: string; code: string; timeZone: string }[] };
  for (const code of ROUND_THE_CLOCK) {
    const agency = all.items.find((a) => a.code === code);
    if (!agency) continue;
    // The next full hour after now + 2 h 30 min, if that is still today there (and before 23:00).
    const today = localIn(agency.timeZone, 0).slice(0, 10);
    const later = localIn(agency.timeZone, 150);
    const hour = Number(later.slice(11, 13)) + 1;
    if (later.slice(0, 10) !== today || hour > 22) continue;
    const pickupAt = `${today}T${String(hour).padStart(2, '0')}:00`;
    const returnAt = plusOneDay(pickupAt);
    const offers = await request.get('/api/v1/offers', {
      params: { pickupAgencyId: agency.id, returnAgencyId: agency.id, pickupAt, returnAt },
    });
    if (!offers.ok()) continue;
    const items = ((await offers.json()) as { items: { category: { code: string } }[] }).items;
    if (items.length === 0) continue;
    const booked = await request.post('/api/v1/reservations', {
      headers: { ...headers, 'Idempotency-Key': `e2e-${Date.now()}-${Math.random()}` },
      data: { pickupAgencyId: agency.id, returnAgencyId: agency.id, pickupAt, returnAt, category: items[0].category.code },
    });
    expect(booked.status(), await booked.text()).toBe(201);
    const reservation = (await booked.json()) as { id: string; reference: string };
    const checkout = await request.post(`/api/v1/reservations/${reservation.id}/checkout-sessions`, { headers });
    expect(checkout.status()).toBe(201);
    const url = new URL(((await checkout.json()) as { url: string }).url);
    const session = url.pathname.split('/').pop();
    expect((await request.post(`${url.origin}/_sim/sessions/${session}/pay`)).ok()).toBeTruthy();
    await expect
      .poll(async () => ((await (await request.get(`/api/v1/reservations/${reservation.id}`, { headers })).json()) as { status: string }).status, {
        timeout: 30_000,
      })
      .toBe('confirmed');
    return { agency, reference: reservation.reference, pickupDate: today, returnDate: returnAt.slice(0, 10) };
  }
  throw new Error('no agency open around the clock has a pickup today at least 2 hours from now');
}

function plusOneDay(local: string): string {
  const [y, m, d] = local.slice(0, 10).split('-').map(Number);
  return `${new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)}${local.slice(10)}`;
}
