import type { ApiProblem } from '../core/api/problem';
import type { TranslationKey, TranslationParams } from '../core/i18n/i18n';

/**
 * A message to show, kept as a dictionary key (translated when rendered, so that it follows the
 * language switch).
 */
export interface Message {
  key: TranslationKey;
  params?: TranslationParams;
}

export const message = (key: TranslationKey, params?: TranslationParams): Message => ({ key, params });

/** The form-level message for a failed call. */
export function problemMessage(problem: ApiProblem): Message {
  if (problem.status === 0) return message('errors.network');
  if (problem.code === 'locked') {
    return message('errors.locked', { minutes: Math.max(1, Math.ceil((problem.retryAfter ?? 900) / 60)) });
  }
  if (problem.status === 429) return message('errors.rateLimited', { seconds: Math.max(1, problem.retryAfter ?? 60) });
  if (problem.code === 'email_unverified') return message('errors.emailUnverified');
  if (problem.status === 422) return message('errors.checkFields');
  if (problem.status >= 500) return message('errors.server');
  return message('errors.unexpected');
}
