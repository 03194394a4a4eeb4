/**
 * The API's shapes, from the types generated out of its OpenAPI 3.1 document (`schema.d.ts`,
 * `npm run api-types`; scripts/test-frontend fails when it no longer matches the running api).
 * These are thin aliases: change the Rust DTOs, regenerate, and the compiler shows what to adapt.
 */
import type { components } from './schema';

type Schemas = components['schemas'];

export type Locale = Schemas['Locale'];
export type Role = Schemas['Role'];
export type Address = Schemas['PostalAddress'];
export type AddressInput = Schemas['PostalAddressInput'];

/** `GET /users/me`, and `user` of session answers. Staff may have no personal fields yet. */
export type User = Schemas['User'];
export type RegistrationRequest = Schemas['RegistrationRequest'];
export type SessionResponse = Schemas['SessionResponse'];
/** `PATCH /users/me`: only the fields present change; `phone: null` removes it. */
export type ProfilePatch = Schemas['ProfilePatch'];

/** One opening period in the agency's local time; ISO weekday (1 = Monday), `HH:MM`, `24:00` = midnight. */
export type OpeningPeriod = Schemas['OpeningPeriod'];
export type Agency = Schemas['Agency'];

/** `{ amountMinor: 12345, currency: 'EUR' }`: minor units of an ISO 4217 currency. */
export type Money = Schemas['Money'];
export type Currency = Schemas['CurrencyCode'];

/** An ACRISS category with its decoded attributes. */
export type VehicleCategory = Schemas['VehicleCategory'];
export type Offer = Schemas['Offer'];
export type Reservation = Schemas['ReservationView'];
export type ReservationStatus = Schemas['Status'];
export type PendingChange = Schemas['PendingChangeView'];
export type NewReservation = Schemas['NewReservation'];
export type ReservationPatch = Schemas['ReservationPatch'];
export type Modification = Schemas['Modification'];
export type CancellationQuote = Schemas['CancellationQuote'];
export type Cancellation = Schemas['Cancellation'];
export type CheckoutSession = Schemas['CheckoutSessionView'];

/** Every list endpoint: `{ items, nextCursor }` (`nextCursor` null or absent on the last page). */
export type Page<T> = Omit<Schemas['Page'], 'items'> & { items: T[] };

// ---------------------------------------------------------------- support

export type ConversationStatus = Schemas['ConversationStatus'];
export type Conversation = Schemas['ConversationView'];
export type ChatMessage = Schemas['MessageView'];
export type NewConversation = Schemas['NewConversation'];
export type NewContactRequest = Schemas['NewContactRequest'];
export type ContactAccepted = Schemas['ContactAccepted'];
export type ContactRequest = Schemas['ContactRequestView'];
export type WsTicket = Schemas['TicketView'];
export type IceServers = Schemas['IceServers'];

// ---------------------------------------------------------------- agent counter

/** `GET /agencies/{id}/reservations?date=`: the agency-local day's pickups and returns. */
export type DayPage = Schemas['DayPage'];
export type DayEntry = Schemas['DayEntryView'];

// ---------------------------------------------------------------- agent fleet and rates

/** A vehicle of an agency's fleet (`GET/POST /agencies/{id}/vehicles`, `PATCH /vehicles/{id}`). */
export type Vehicle = Schemas['Vehicle'];
export type NewVehicle = Schemas['NewVehicle'];
/** `PATCH /vehicles/{id}`: fields left out are unchanged. */
export type VehiclePatch = Schemas['VehiclePatch'];
/** `GET/PUT /agencies/{id}/rates`: the agency's whole rate set. */
export type Rate = Schemas['Rate'];
export type RateSet = Schemas['RateSet'];
export type RateInput = Schemas['RateInput'];
export type RatesInput = Schemas['RatesInput'];
