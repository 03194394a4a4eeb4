import { DICTIONARIES, translate } from '../i18n/i18n';
import { problemMessage } from '../../shared/problem-message';
import { FIELD_CODES, PROBLEM_CODES } from './problem-codes';

/** The list of stable codes of ../shared/API.md, as written there. */
const API_MD_CODES = [
  'invalid', 'required', 'in_past', 'too_soon', 'too_far_ahead', 'return_before_pickup', 'too_long', 'agency_closed',
  'unknown_category', 'unavailable', 'underage', 'profile_incomplete', 'email_unverified', 'locked', 'weak_password',
  'modification_window_closed', 'not_cancellable', 'invalid_transition', 'idempotency_key_reused', 'rate_limited',
];

/** The texts of `key`, or what is missing, in both languages. */
function missing(key: string): string[] {
  return (['en', 'fr'] as const)
    .filter((locale) => {
      const text = translate(DICTIONARIES[locale], key);
      return text === key || text.trim() === '';
    })
    .map((locale) => `${locale}:${key}`);
}

describe('stable problem codes', () => {
  it('cover every code of API.md', () => {
    const known = new Set([...PROBLEM_CODES.map((p) => p.code), ...FIELD_CODES]);
    expect(API_MD_CODES.filter((code) => !known.has(code))).toEqual([]);
  });

  it('each have a form-level message of their own, in English and in French', () => {
    const generic = new Set(['errors.unexpected']);
    const problems: string[] = [];
    for (const { code, status } of PROBLEM_CODES) {
      const { key } = problemMessage({ status, code, detail: '', errors: [], retryAfter: 30 });
      if (generic.has(key)) problems.push(`${code} (${status}): only the generic message`);
      problems.push(...missing(key).map((m) => `${code} (${status}): no ${m}`));
    }
    expect(problems).toEqual([]);
  });

  it('of field errors each have a message, in English and in French', () => {
    expect(FIELD_CODES.flatMap((code) => missing(`errors.codes.${code}`))).toEqual([]);
  });

  it('send 409 conflicts to their own message, not to "something unexpected"', () => {
    const conflict = (code: string) => problemMessage({ status: 409, code, detail: '', errors: [], retryAfter: null }).key;
    expect(conflict('unavailable')).toBe('errors.problems.unavailable');
    expect(conflict('modification_window_closed')).toBe('errors.problems.modification_window_closed');
    expect(conflict('not_cancellable')).toBe('errors.problems.not_cancellable');
    expect(conflict('some_future_conflict')).toBe('errors.unexpected');
  });
});
