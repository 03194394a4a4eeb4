import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';

import { loadState } from '../../core/data/load-state';
import { TranslatedTitleStrategy } from '../../core/a11y/title-strategy';
import { TitleStrategy } from '@angular/router';
import { localClock, weekSchedule, weekdayName, zoneLabel, zoneName } from '../../core/format/opening-hours';
import { formatPhone } from '../../core/format/phone';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { LoadStatus } from '../../shared/load-status';
import { AgencyStatus, formatPeriods } from './agency-hours';
import { AgencyService } from './agency.service';
import { clockSignal } from './clock';

@Component({
  selector: 'app-agency-detail',
  imports: [RouterLink, TranslatePipe, AgencyStatus, LoadStatus],
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
  protected readonly loaded = loadState({ params: () => this.id(), load: (id) => this.agencies.get(id) });
  protected readonly agency = this.loaded.value;
  /** An id the API does not know (or could not read) is "not found", not a failure to retry. */
  protected readonly missing = computed(() => {
    const state = this.loaded.state();
    return state.status === 'error' && [400, 404, 422].includes(state.problem.status);
  });

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
  /** "Central European Time", "heure de l’Est nord-américain": the zone as people name it. */
  protected readonly zoneName = computed(() => {
    const agency = this.agency();
    return agency ? zoneName(this.now(), agency.timeZone, this.i18n.intlLocale()) : '';
  });
  protected readonly phone = formatPhone;

  constructor() {
    effect(() => this.titles.setPageName(this.agency()?.name ?? null));
  }
}
