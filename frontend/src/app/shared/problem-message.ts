import type { ApiProblem, FieldProblem } from '../core/api/problem';
import { DICTIONARIES, translate, type TranslationKey, type TranslationParams } from '../core/i18n/i18n';

/**
 * A message to show, kept as a dictionary key (translated when rendered, so that it follows the
 * language switch).
 */
export interface Message {
  key: TranslationKey;
  params?: TranslationParams;
}

/**
 * What a form's alert shows: a message, and the API's field errors that no control of the form
 * shows (translated when rendered, by `FormAlert`).
 */
export interface FormMessage extends Message {
  unmatched?: readonly FieldProblem[];
}

export const message = (key: TranslationKey, params?: TranslationParams): Message => ({ key, params });

/** Whether the dictionaries have `key` (both have the same keys: a unit test checks it). */
export function hasMessage(key: string): key is TranslationKey {
  return translate(DICTIONARIES.en, key) !== key;
}

/** The form-level message for a failed call: the message of its stable `code`, else of its status. */
export function problemMessage(problem: ApiProblem): Message {
  if (problem.status === 0) return message('errors.network');
  // `unavailable` is also the 503 of a dependency that is down: our side, not the customer's.
  if (problem.code === 'unavailable' && problem.status >= 500) return message('errors.server');
  const key = `errors.problems.${problem.code}`;
  if (hasMessage(key)) return message(key, paramsOf(problem));
  if (problem.status === 429) return message('errors.problems.rate_limited', paramsOf({ ...problem, code: 'rate_limited' }));
  if (problem.status === 422) return message('errors.checkFields');
  if (problem.status >= 500) return message('errors.server');
  return message('errors.unexpected');
}

/**
 * The alert of a failed submit: the problem's message with the field errors that no control
 * of the form shows (`unmatched`, from `applyFieldErrors`). When no field error found its
 * control, "check the fields below" would point at nothing: the alert says it could not accept
 * the form and lists them.
 */
export function formProblemMessage(problem: ApiProblem, unmatched: readonly FieldProblem[] = []): FormMessage {
  if (unmatched.length === 0) return problemMessage(problem);
  const someShown = unmatched.length < problem.errors.length;
  const main = someShown || problem.status !== 422 ? problemMessage(problem) : message('errors.notAccepted');
  return { ...main, unmatched };
}

function paramsOf(problem: ApiProblem): TranslationParams | undefined {
  switch (problem.code) {
    case 'locked':
      return { minutes: Math.max(1, Math.ceil((problem.retryAfter ?? 900) / 60)) };
    case 'rate_limited':
      return { seconds: Math.max(1, problem.retryAfter ?? 60) };
    default:
      return undefined;
  }
}
