import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { Observable, catchError, of, switchMap, throwError } from 'rxjs';

import { isApiUrl } from '../api/endpoints';
import { AuthService, SKIP_AUTH, refreshRefused } from './auth.service';

const withBearer = (request: HttpRequest<unknown>, token: string) =>
  request.clone({ setHeaders: { Authorization: `Bearer ${token}` } });

/**
 * Adds the bearer token to API calls; on a 401, exchanges the refresh cookie for a new token
 * (one exchange in flight, shared by every caller and coordinated with the other tabs) and
 * retries the call once. A token that changed meanwhile (another tab's refresh) is used as is.
 * Only a refused refresh ends the session: an unreachable API leaves it for the next try.
 */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  if (!isApiUrl(request.url) || request.context.get(SKIP_AUTH)) {
    return next(request);
  }
  const auth = inject(AuthService);
  const token = auth.token();
  if (!token) {
    return next(request);
  }
  return next(withBearer(request, token)).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401) {
        return throwError(() => error);
      }
      const current = auth.token();
      const fresh: Observable<string> = current && current !== token ? of(current) : auth.refresh();
      return fresh.pipe(
        catchError((refreshError: unknown) => {
          if (refreshRefused(refreshError)) auth.sessionExpired();
          return throwError(() => error);
        }),
        switchMap((newToken) => next(withBearer(request, newToken))),
      );
    }),
  );
};
