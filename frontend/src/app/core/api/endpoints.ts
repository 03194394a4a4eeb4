/** Paths of the API (same origin: the api binary, or the ALB in AWS, serves both). */
export const API = '/api/v1';

export const endpoints = {
  registrations: `${API}/auth/registrations`,
  emailVerifications: `${API}/auth/email-verifications`,
  sessions: `${API}/auth/sessions`,
  refresh: `${API}/auth/sessions/refresh`,
  currentSession: `${API}/auth/sessions/current`,
  passwordResetRequests: `${API}/auth/password-reset-requests`,
  passwordResets: `${API}/auth/password-resets`,
  me: `${API}/users/me`,
  myPassword: `${API}/users/me/password`,
  myExport: `${API}/users/me/export`,
  agencies: `${API}/agencies`,
  vehicleCategories: `${API}/vehicle-categories`,
  vehicles: `${API}/vehicles`,
  offers: `${API}/offers`,
  reservations: `${API}/reservations`,
  contactRequests: `${API}/support/contact-requests`,
  conversations: `${API}/support/conversations`,
  wsTickets: `${API}/support/ws-tickets`,
  ws: `${API}/support/ws`,
  iceServers: `${API}/support/ice-servers`,
} as const;

export function isApiUrl(url: string): boolean {
  return url.startsWith(`${API}/`);
}
