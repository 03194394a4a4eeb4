import { problemMessage } from './problem-message';

describe('problemMessage', () => {
  const base = { detail: '', errors: [] };

  it('explains lockouts and rate limits with the wait time', () => {
    expect(problemMessage({ ...base, status: 429, code: 'locked', retryAfter: 840 })).toEqual({ key: 'errors.locked', params: { minutes: 14 } });
    expect(problemMessage({ ...base, status: 429, code: 'rate_limited', retryAfter: 30 })).toEqual({ key: 'errors.rateLimited', params: { seconds: 30 } });
  });

  it('names unverified addresses, network and server failures', () => {
    expect(problemMessage({ ...base, status: 403, code: 'email_unverified', retryAfter: null }).key).toBe('errors.emailUnverified');
    expect(problemMessage({ ...base, status: 0, code: 'network', retryAfter: null }).key).toBe('errors.network');
    expect(problemMessage({ ...base, status: 503, code: 'unavailable', retryAfter: null }).key).toBe('errors.server');
    expect(problemMessage({ ...base, status: 422, code: 'validation_failed', retryAfter: null }).key).toBe('errors.checkFields');
  });
});
