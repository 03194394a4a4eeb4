import { HttpErrorResponse } from '@angular/common/http';

/** One invalid field of a 422 answer; `field` is camelCase, dotted for nested ones (`address.postalCode`). */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/** An RFC 9457 problem as the API sends it, reduced to what the SPA uses. */
export interface ApiProblem {
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  /** Stable code (`validation_failed`, `locked`, `email_unverified`, …), or `network` / `unknown`. */
  code: string;
  detail: string;
  errors: FieldProblem[];
  /** Seconds, from `Retry-After` (429). */
  retryAfter: number | null;
}

/** Turns any HTTP failure into an {@link ApiProblem}. */
export function toProblem(error: unknown): ApiProblem {
  if (!(error instanceof HttpErrorResponse)) {
    return { status: -1, code: 'unknown', detail: String(error), errors: [], retryAfter: null };
  }
  if (error.status === 0) {
    return { status: 0, code: 'network', detail: error.message, errors: [], retryAfter: null };
  }
  const body = isRecord(error.error) ? error.error : {};
  const retry = Number.parseInt(error.headers?.get('Retry-After') ?? '', 10);
  return {
    status: error.status,
    code: typeof body['code'] === 'string' ? body['code'] : `http_${error.status}`,
    detail: typeof body['detail'] === 'string' ? body['detail'] : error.statusText,
    errors: Array.isArray(body['errors']) ? body['errors'].filter(isFieldProblem) : [],
    retryAfter: Number.isFinite(retry) && retry >= 0 ? retry : null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return isRecord(value) && typeof value['field'] === 'string' && typeof value['code'] === 'string';
}
