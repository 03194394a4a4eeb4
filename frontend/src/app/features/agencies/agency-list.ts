import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import type { Agency } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { MARKETS } from '../../core/format/countries';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { Message, problemMessage } from '../../shared/problem-message';
import { AgencyStatus } from './agency-hours';
import { AgencyService } from './agency.service';
import { clockSignal } from './clock';

const PAGE_SIZE = 20;

/** Agencies filtered by country and city (both in the URL: `/agencies?country=FR&city=Paris`). */
@Component({
  selector: 'app-agency-list',
  imports: [RouterLink, TranslatePipe, AgencyStatus],
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
  protected readonly items = signal<Agency[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly loadingMore = signal(false);
  protected readonly error = signal<Message | null>(null);
  protected readonly cities = signal<string[]>([]);

  protected readonly selectedCountry = computed(() => (this.country() ?? '').toUpperCase());
  protected readonly selectedCity = computed(() => this.city() ?? '');
  protected readonly summary = computed(() => {
    if (this.loading()) return this.i18n.t('agencies.loading');
    const count = this.items().length;
    const more = this.nextCursor() !== null;
    if (count === 0) return this.i18n.t('agencies.none');
    return this.i18n.t(more ? 'agencies.countMore' : count === 1 ? 'agencies.countOne' : 'agencies.count', { count });
  });

  constructor() {
    effect(() => {
      const country = this.selectedCountry();
      const city = this.selectedCity();
      untracked(() => this.load(country, city));
    });
    effect(() => {
      const country = this.selectedCountry();
      untracked(() => this.loadCities(country));
    });
  }

  protected selectCountry(country: string): void {
    void this.router.navigate(['/agencies'], { queryParams: { country: country || null, city: null } });
  }

  protected selectCity(city: string): void {
    void this.router.navigate(['/agencies'], { queryParams: { country: this.selectedCountry() || null, city: city || null } });
  }

  protected loadMore(): void {
    const cursor = this.nextCursor();
    if (!cursor) return;
    this.loadingMore.set(true);
    this.agencies
      .list({ country: this.selectedCountry(), city: this.selectedCity(), limit: PAGE_SIZE, cursor })
      .subscribe({
        next: (page) => {
          this.items.update((items) => [...items, ...page.items]);
          this.nextCursor.set(page.nextCursor);
          this.loadingMore.set(false);
        },
        error: (error: unknown) => {
          this.loadingMore.set(false);
          this.error.set(problemMessage(toProblem(error)));
        },
      });
  }

  private load(country: string, city: string): void {
    this.loading.set(true);
    this.error.set(null);
    this.agencies.list({ country, city, limit: PAGE_SIZE }).subscribe({
      next: (page) => {
        this.items.set(page.items);
        this.nextCursor.set(page.nextCursor);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.items.set([]);
        this.nextCursor.set(null);
        this.loading.set(false);
        this.error.set(problemMessage(toProblem(error)));
      },
    });
  }

  /** The cities of the chosen country, for the city filter. */
  private loadCities(country: string): void {
    this.cities.set([]);
    if (!country) return;
    this.agencies.list({ country, limit: 100 }).subscribe({
      next: (page) => {
        const locale = this.i18n.intlLocale();
        this.cities.set([...new Set(page.items.map((a) => a.city))].sort((a, b) => a.localeCompare(b, locale)));
      },
      error: () => this.cities.set([]),
    });
  }
}
