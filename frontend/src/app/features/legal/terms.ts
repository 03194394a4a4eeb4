import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

import { TranslatePipe } from '../../core/i18n/i18n';

@Component({
  selector: 'app-terms',
  imports: [RouterLink, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="container page prose">
      <h1>{{ 'terms.heading' | t }}</h1>
      <p class="lead">{{ 'terms.lead' | t }}</p>
      <h2>{{ 'terms.rentalTitle' | t }}</h2>
      <ul>
        <li>{{ 'terms.rentalAge' | t }}</li>
        <li>{{ 'terms.rentalTimes' | t }}</li>
        <li>{{ 'terms.rentalPrices' | t }}</li>
      </ul>
      <h2>{{ 'terms.dataTitle' | t }}</h2>
      <ul>
        <li>{{ 'terms.dataWhat' | t }}</li>
        <li>{{ 'terms.dataSecurity' | t }}</li>
        <li>{{ 'terms.dataRights' | t }} <a routerLink="/account/privacy">{{ 'terms.dataRightsLink' | t }}</a></li>
        <li>{{ 'terms.dataRetention' | t }}</li>
      </ul>
    </div>
  `,
})
export class Terms {}
