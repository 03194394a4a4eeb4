import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';

import { toProblem } from './problem';

describe('toProblem', () => {
  it('reads problem+json with field errors', () => {
    const problem = toProblem(
      new HttpErrorResponse({
        status: 422,
        error: {
          type: 'https://yourcaryourway.com/problems/validation-failed',
          title: 'Unprocessable Entity',
          status: 422,
          detail: 'invalid request',
          code: 'validation_failed',
          errors: [{ field: 'address.postalCode', code: 'invalid', message: 'not a valid postal code for this country' }],
        },
      }),
    );
    expect(problem).toMatchObject({ status: 422, code: 'validation_failed', errors: [{ field: 'address.postalCode', code: 'invalid' }] });
  });

  it('reads Retry-After of a lockout', () => {
    const problem = toProblem(
      new HttpErrorResponse({ status: 429, headers: new HttpHeaders({ 'Retry-After': '840' }), error: { code: 'locked', detail: 'too many requests' } }),
    );
    expect(problem).toMatchObject({ status: 429, code: 'locked', retryAfter: 840 });
  });

  it('names network failures and bodies that are not problems', () => {
    expect(toProblem(new HttpErrorResponse({ status: 0 })).code).toBe('network');
    expect(toProblem(new HttpErrorResponse({ status: 502, error: '<html>' })).code).toBe('http_502');
  });
});
