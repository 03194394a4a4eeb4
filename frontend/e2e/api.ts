import { APIRequestContext, expect } from '@playwright/test';

import { waitForLink } from './mail';

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
