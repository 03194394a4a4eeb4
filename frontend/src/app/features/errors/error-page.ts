import { ChangeDetectionStrategy, Component, DOCUMENT, inject } from '@angular/core';
import { RouterLink } from '@angular/router';

import { TranslatePipe } from '../../core/i18n/i18n';

@Component({
  selector: 'app-error-page',
  imports: [RouterLink, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="container status-page">
      <p class="status-page__code" aria-hidden="true">!</p>
      <h1>{{ 'errorPage.heading' | t }}</h1>
      <p class="lead">{{ 'errorPage.text' | t }}</p>
      <div class="form-actions form-actions--center">
        <button type="button" class="btn btn--primary" (click)="reload()">{{ 'errorPage.reload' | t }}</button>
        <a routerLink="/" class="btn btn--secondary">{{ 'notFound.home' | t }}</a>
      </div>
    </div>
  `,
})
export class ErrorPage {
  private readonly document = inject(DOCUMENT);

  protected reload(): void {
    this.document.location.reload();
  }
}
