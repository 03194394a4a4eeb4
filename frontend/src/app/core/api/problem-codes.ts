/**
 * Every stable problem `code` the API answers with: the list of ../shared/API.md ("Stable problem
 * `code`s") and what the Rust code sends (`ApiError::code`, `code: "…"`, `conflict("…")`,
 * `InvalidValue::new("…")`, `FieldError::new(…)`). The SPA has an English and a French message for
 * each one (problem-codes.spec.ts enumerates them): add the code here when the API gains one.
 */

/** Top-level codes (`code` of the problem body), with the HTTP status they come with. */
export const PROBLEM_CODES: readonly { readonly code: string; readonly status: number }[] = [
  { code: 'bad_request', status: 400 },
  // Error frames of the support WebSocket (`error {code, detail}`), shown by the chat.
  { code: 'invalid_frame', status: 400 },
  { code: 'frame_too_large', status: 400 },
  { code: 'unknown_type', status: 400 },
  { code: 'not_subscribed', status: 400 },
  { code: 'unknown_message', status: 400 },
  { code: 'malformed_json', status: 400 },
  { code: 'invalid_signature', status: 400 },
  { code: 'websocket_expected', status: 400 },
  { code: 'unauthorized', status: 401 },
  { code: 'forbidden', status: 403 },
  { code: 'email_unverified', status: 403 },
  { code: 'not_assignee', status: 403 },
  { code: 'origin_not_allowed', status: 403 },
  { code: 'not_found', status: 404 },
  { code: 'method_not_allowed', status: 405 },
  { code: 'unavailable', status: 409 },
  { code: 'modification_window_closed', status: 409 },
  { code: 'not_cancellable', status: 409 },
  { code: 'invalid_transition', status: 409 },
  { code: 'reservation_changed', status: 409 },
  { code: 'nothing_to_pay', status: 409 },
  { code: 'request_in_flight', status: 409 },
  { code: 'vehicle_has_reservations', status: 409 },
  { code: 'agency_has_reservations', status: 409 },
  { code: 'already_assigned', status: 409 },
  { code: 'conversation_closed', status: 409 },
  { code: 'no_peer', status: 409 },
  { code: 'payload_too_large', status: 413 },
  { code: 'unsupported_media_type', status: 415 },
  { code: 'validation_failed', status: 422 },
  { code: 'rate_limited', status: 429 },
  { code: 'locked', status: 429 },
  { code: 'internal', status: 500 },
  { code: 'payment_provider_unavailable', status: 502 },
  // The same code as the 409: a dependency of the API is down.
  { code: 'unavailable', status: 503 },
  { code: 'overloaded', status: 503 },
];

/** Codes of field errors (`errors[].code` of a 422, and of some 400). */
export const FIELD_CODES: readonly string[] = [
  'invalid',
  'required',
  'in_past',
  'in_future',
  'too_soon',
  'too_far_ahead',
  'return_before_pickup',
  'too_long',
  'agency_closed',
  'unknown_category',
  'underage',
  'profile_incomplete',
  'weak_password',
  'taken',
  'idempotency_key_reused',
  'invalid_reference',
  'unknown_reservation',
  'unknown_message',
];
