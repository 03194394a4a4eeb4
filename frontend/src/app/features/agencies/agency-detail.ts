import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';

import type { Agency } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { TranslatedTitleStrategy } from '../../core/a11y/title-strategy';
import { TitleStrategy } from '@angular/router';
import { localClock, weekSchedule, weekdayName, zoneLabel } from '../../core/format/opening-hours';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { Message, problemMessage } from '../../shared/problem-message';
import { AgencyStatus, formatPeriods } from './agency-hours';
import { AgencyService } from './agency.service';
import { clockSignal } from './clock';

@Component({
  selector: 'app-agency-detail',
  imports: [RouterLink, TranslatePipe, AgencyStatus],
  templateUrl: './agency-detail.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgencyDetail {
  protected readonly i18n = inject(I18n);
  private readonly agencies = inject(AgencyService);
  private readonly titles = inject(TitleStrategy) as TranslatedTitleStrategy;

  /** Route parameter. */
  readonly id = input.required<string>();

  protected readonly now = clockSignal();
  protected readonly agency = signal<Agency | null>(null);
  protected readonly state = signal<'loading' | 'ready' | 'missing' | 'failed'>('loading');
  protected readonly error = signal<Message | null>(null);

  protected readonly week = computed(() => {
    const agency = this.agency();
    if (!agency) return [];
    const locale = this.i18n.intlLocale();
    const today = localClock(this.now(), agency.timeZone).weekday;
    return weekSchedule(agency.openingHours).map((day) => ({
      weekday: day.weekday,
      name: weekdayName(day.weekday, locale),
      hours: formatPeriods(day.periods, locale, this.i18n.t('agencies.closed')),
      today: day.weekday === today,
    }));
  });
  protected readonly zone = computed(() => {
    const agency = this.agency();
    return agency ? zoneLabel(this.now(), agency.timeZone, this.i18n.intlLocale()) : '';
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => this.load(id));
    });
    effect(() => this.titles.setPageName(this.agency()?.name ?? null));
  }

  protected load(id: string): void {
    this.state.set('loading');
    this.agencies.get(id).subscribe({
      next: (agency) => {
        this.agency.set(agency);
        this.state.set('ready');
      },
      error: (error: unknown) => {
        const problem = toProblem(error);
        this.state.set(problem.status === 404 || problem.status === 400 || problem.status === 422 ? 'missing' : 'failed');
        this.error.set(problemMessage(problem));
      },
    });
  }
}
