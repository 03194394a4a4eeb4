import { formProblemMessage, problemMessage } from './problem-message';

describe('problemMessage', () => {
  const base = { detail: '', errors: [] };

  it('explains lockouts and rate limits with the wait time', () => {
    expect(problemMessage({ ...base, status: 429, code: 'locked', retryAfter: 840 })).toEqual({ key: 'errors.problems.locked', params: { minutes: 14 } });
    expect(problemMessage({ ...base, status: 429, code: 'rate_limited', retryAfter: 30 })).toEqual({ key: 'errors.problems.rate_limited', params: { seconds: 30 } });
    expect(problemMessage({ ...base, status: 429, code: 'http_429', retryAfter: null })).toEqual({ key: 'errors.problems.rate_limited', params: { seconds: 60 } });
  });

  it('names unverified addresses, network and server failures', () => {
    expect(problemMessage({ ...base, status: 403, code: 'email_unverified', retryAfter: null }).key).toBe('errors.problems.email_unverified');
    expect(problemMessage({ ...base, status: 0, code: 'network', retryAfter: null }).key).toBe('errors.network');
    expect(problemMessage({ ...base, status: 503, code: 'unavailable', retryAfter: null }).key).toBe('errors.server');
    expect(problemMessage({ ...base, status: 500, code: 'internal', retryAfter: null }).key).toBe('errors.server');
    expect(problemMessage({ ...base, status: 422, code: 'validation_failed', retryAfter: null }).key).toBe('errors.checkFields');
  });
});

describe('formProblemMessage', () => {
  const problem = (errors: { field: string; code: string; message: string }[]) => ({
    status: 422,
    code: 'validation_failed',
    detail: '',
    errors,
    retryAfter: null,
  });
  const postal = { field: 'address.postalCode', code: 'invalid', message: 'bad postal code' };
  const key = { field: 'Idempotency-Key', code: 'idempotency_key_reused', message: 'reused' };

  it('is the problem’s message when every field error found its control', () => {
    expect(formProblemMessage(problem([postal]), [])).toEqual({ key: 'errors.checkFields', params: undefined });
  });

  it('lists the field errors no control shows', () => {
    expect(formProblemMessage(problem([postal, key]), [key])).toEqual({ key: 'errors.checkFields', params: undefined, unmatched: [key] });
    expect(formProblemMessage(problem([key]), [key])).toEqual({ key: 'errors.notAccepted', params: undefined, unmatched: [key] });
  });
});
