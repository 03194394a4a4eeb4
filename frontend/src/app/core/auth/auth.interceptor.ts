import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, switchMap, throwError } from 'rxjs';

import { isApiUrl } from '../api/endpoints';
import { AuthService, SKIP_AUTH } from './auth.service';

const withBearer = (request: HttpRequest<unknown>, token: string) =>
  request.clone({ setHeaders: { Authorization: `Bearer ${token}` } });

/**
 * Adds the bearer token to API calls; on a 401, exchanges the refresh cookie for a new token
 * (one exchange in flight, shared by every caller) and retries the call once.
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
      return auth.refresh().pipe(
        catchError(() => {
          auth.sessionExpired();
          return throwError(() => error);
        }),
        switchMap((fresh) => next(withBearer(request, fresh))),
      );
    }),
  );
};
