import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import { map } from 'rxjs';

import { loadState, pagedLoadState } from '../../core/data/load-state';
import { MARKETS } from '../../core/format/countries';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { LoadMore } from '../../shared/load-more';
import { LoadStatus } from '../../shared/load-status';
import { AgencyStatus } from './agency-hours';
import { AgencyService } from './agency.service';
import { clockSignal } from './clock';

const PAGE_SIZE = 20;

/** Agencies filtered by country and city (both in the URL: `/agencies?country=FR&city=Paris`). */
@Component({
  selector: 'app-agency-list',
  imports: [RouterLink, TranslatePipe, AgencyStatus, LoadStatus, LoadMore],
  templateUrl: './agency-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgencyList {
  protected readonly i18n = inject(I18n);
  private readonly agencies = inject(AgencyService);
  private readonly router = inject(Router);

  /** Query parameters. */
  readonly country = input<string>();
  readonly city = input<string>();

  protected readonly markets = MARKETS;
  protected readonly now = clockSignal();

  protected readonly selectedCountry = computed(() => (this.country() ?? '').toUpperCase());
  protected readonly selectedCity = computed(() => this.city() ?? '');

  /** The agencies of the filters, page after page ("load more" stays within the same filters). */
  protected readonly list = pagedLoadState({
    params: () => ({ country: this.selectedCountry(), city: this.selectedCity() }),
    loadPage: (filters, cursor) => this.agencies.list({ ...filters, limit: PAGE_SIZE, cursor }),
  });

  /** The cities of the chosen country, for the city filter (none until a country is chosen). */
  protected readonly cities = loadState({
    params: () => this.selectedCountry() || null,
    load: (country) => this.agencies.list({ country, limit: 100 }).pipe(map((page) => page.items.map((a) => a.city))),
  });
  protected readonly cityNames = computed(() => {
    const locale = this.i18n.intlLocale();
    return [...new Set(this.cities.value() ?? [])].sort((a, b) => a.localeCompare(b, locale));
  });

  protected readonly summary = computed(() => {
    const state = this.list.state();
    switch (state.status) {
      case 'loading':
        return this.i18n.t('agencies.loading');
      case 'error':
        return '';
      case 'empty':
        return this.i18n.t('agencies.none');
      case 'data': {
        const count = state.value.items.length;
        const more = state.value.nextCursor !== null;
        return more ? this.i18n.t('agencies.countMore', { count }) : this.i18n.plural('agencies.count', count);
      }
    }
  });

  protected selectCountry(country: string): void {
    void this.router.navigate(['/agencies'], { queryParams: { country: country || null, city: null } });
  }

  protected selectCity(city: string): void {
    void this.router.navigate(['/agencies'], { queryParams: { country: this.selectedCountry() || null, city: city || null } });
  }
}
