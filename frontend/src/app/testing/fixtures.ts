/**
 * Data the component tests share (never imported by the app): an agency, a car category, a
 * customer with a complete profile, money in euros.
 */
import type { Agency, Money, Offer, User } from '../core/api/models';

export const agency: Agency = {
  id: '01a232ec-882e-7371-9a46-eac054b16eb6',
  code: 'PAR-GDL',
  name: 'Paris Gare de Lyon',
  address: { line1: '20 boulevard Diderot', line2: null, postalCode: '75012', city: 'Paris', countryCode: 'FR' },
  city: 'Paris',
  countryCode: 'FR',
  timeZone: 'Europe/Paris',
  currency: 'EUR',
  phone: '+33199001001',
  email: 'paris-gdl@example.com',
  openingHours: [{ weekday: 2, opens: '07:30', closes: '20:00' }],
  active: true,
};

export const compact: Offer['category'] = {
  code: 'CDMR',
  category: 'Compact',
  type: '4-5 door',
  transmission: 'Manual',
  fuelAir: 'Unspecified fuel, air conditioning',
  airConditioning: true,
  seats: 5,
  doors: 5,
  bags: 2,
  description: 'Peugeot 308 or similar',
};

export const eur = (amountMinor: number): Money => ({ amountMinor, currency: 'EUR' });

/** A compact car in Paris for three days (15–18 Dec 2026, 10:00), as an offer and a reservation both describe it. */
export const parisTrip = {
  category: compact,
  pickupAgency: agency,
  returnAgency: agency,
  pickupAt: '2026-12-15T10:00:00+01:00',
  returnAt: '2026-12-18T10:00:00+01:00',
  days: 3,
  dailyRate: eur(4499),
  oneWayFee: eur(0),
  total: eur(13497),
} satisfies Partial<Offer>;

export const client: User = {
  id: '01a232ec-0000-7000-8000-000000000001',
  email: 'camille@example.com',
  role: 'client',
  firstName: 'Camille',
  lastName: 'Durand',
  birthDate: '1987-09-12',
  phone: null,
  address: { line1: '8 rue des Lilas', line2: null, postalCode: '69003', city: 'Lyon', countryCode: 'FR' },
  locale: 'en',
  emailVerified: true,
  agencyId: null,
};
