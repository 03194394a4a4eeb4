import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

import { TranslatePipe } from '../../core/i18n/i18n';

@Component({
  selector: 'app-not-found',
  imports: [RouterLink, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="container status-page">
      <p class="status-page__code" aria-hidden="true">404</p>
      <h1>{{ 'notFound.heading' | t }}</h1>
      <p class="lead">{{ 'notFound.text' | t }}</p>
      <div class="form-actions form-actions--center">
        <a routerLink="/" class="btn btn--primary">{{ 'notFound.home' | t }}</a>
        <a routerLink="/agencies" class="btn btn--secondary">{{ 'notFound.agencies' | t }}</a>
      </div>
    </div>
  `,
})
export class NotFound {}
