import { ErrorHandler, Injectable, inject } from '@angular/core';
import { NavigationError, Router } from '@angular/router';

/** A failed navigation (e.g. a lazy chunk missing after a deployment) shows the error page. */
export function goToErrorPage(error: NavigationError): void {
  console.error('navigation failed', error.error);
  void inject(Router).navigate(['/error'], { skipLocationChange: true });
}

/** Unexpected errors are logged and shown as the error page, never as a blank screen. */
@Injectable()
export class AppErrorHandler implements ErrorHandler {
  private readonly router = inject(Router);
  private handling = false;

  handleError(error: unknown): void {
    console.error(error);
    if (this.handling) return;
    this.handling = true;
    void this.router.navigate(['/error'], { skipLocationChange: true }).finally(() => (this.handling = false));
  }
}
