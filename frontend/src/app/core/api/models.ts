/** Shapes of the HTTP contract (shared/API.md; functions/auth/src/model.rs, functions/catalog/src/model.rs). */

export type Locale = 'en' | 'fr';
export type Role = 'client' | 'support' | 'agent';

export interface Address {
  line1: string;
  line2: string | null;
  postalCode: string;
  city: string;
  countryCode: string;
}

/** `GET /users/me`, and `user` of session answers. Staff may have no personal fields yet. */
export interface User {
  id: string;
  email: string;
  role: Role;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  phone: string | null;
  address: Address | null;
  locale: Locale;
  emailVerified: boolean;
  agencyId: string | null;
}

/** `POST /auth/registrations`. */
export interface RegistrationRequest {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  phone: string | null;
  address: Address;
  locale: Locale;
  acceptTerms: boolean;
}

/** `POST /auth/sessions` and `/auth/sessions/refresh`. */
export interface SessionResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: User;
}

/** `PATCH /users/me`: only the fields present change; `phone: null` removes it. */
export interface ProfilePatch {
  firstName?: string;
  lastName?: string;
  birthDate?: string;
  phone?: string | null;
  address?: Address;
  locale?: Locale;
}

/** One opening period in the agency's local time; ISO weekday (1 = Monday), `HH:MM`, `24:00` = midnight. */
export interface OpeningPeriod {
  weekday: number;
  opens: string;
  closes: string;
}

export interface Agency {
  id: string;
  code: string;
  name: string;
  address: Address;
  city: string;
  countryCode: string;
  timeZone: string;
  currency: string;
  phone: string;
  email: string;
  openingHours: OpeningPeriod[];
  active?: boolean;
}

/** Every list endpoint: `{ items, nextCursor }`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
