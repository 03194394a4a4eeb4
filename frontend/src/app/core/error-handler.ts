import { ErrorHandler, Injectable, inject } from '@angular/core';
import { NavigationError, Router } from '@angular/router';

import { Notices } from './notices';

/** A failed navigation (e.g. a lazy chunk missing after a deployment) shows the error page. */
export function goToErrorPage(error: NavigationError): void {
  console.error('navigation failed', error.error);
  void inject(Router).navigate(['/error'], { skipLocationChange: true });
}

/**
 * Any other uncaught error (a dropped WebSocket, a denied camera, a payment widget's failure…) is
 * logged and shown as a notice above the page, which stays as it is: a live chat or a filled form
 * is not thrown away. The error page is for failed navigations ({@link goToErrorPage}) and a
 * failed start (main.ts).
 */
@Injectable()
export class AppErrorHandler implements ErrorHandler {
  private readonly notices = inject(Notices);

  handleError(error: unknown): void {
    console.error(error);
    this.notices.showHere('error', 'notices.unexpectedError');
  }
}
