import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';

import type { Agency } from '../../core/api/models';
import { formatClock, formatLocalTime, localClock, openingStatus, weekSchedule, weekdayName, zoneLabel } from '../../core/format/opening-hours';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';

/** "Open now · closes at 19:00" / "Closed · opens Monday at 08:00", in the agency's own time. */
@Component({
  selector: 'app-agency-status',
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="open-status" [class.open-status--open]="status().open">
      <span class="open-status__dot" aria-hidden="true"></span>
      <span class="open-status__text">{{ text() }}</span>
    </p>
    <p class="local-time">{{ 'agencies.localTime' | t: { time: localTime(), zone: offset() } }}</p>
    <p class="today-hours"><span class="today-hours__label">{{ 'agencies.today' | t }}</span> {{ todayHours() }}</p>
  `,
})
export class AgencyStatus {
  private readonly i18n = inject(I18n);
  readonly agency = input.required<Agency>();
  readonly now = input.required<Date>();

  protected readonly status = computed(() => openingStatus(this.agency().openingHours, this.agency().timeZone, this.now()));
  protected readonly localTime = computed(() => formatLocalTime(this.now(), this.agency().timeZone, this.i18n.intlLocale()));
  protected readonly offset = computed(() => zoneLabel(this.now(), this.agency().timeZone, this.i18n.intlLocale()));

  protected readonly text = computed(() => {
    const status = this.status();
    const locale = this.i18n.intlLocale();
    if (status.open && status.always) return this.i18n.t('agencies.openAlways');
    if (status.open) return this.i18n.t('agencies.openUntil', { time: formatClock(status.closes, locale) });
    if (!status.next) return this.i18n.t('agencies.closedPermanently');
    const time = formatClock(status.next.opens, locale);
    if (status.next.inDays === 0) return this.i18n.t('agencies.closedOpensToday', { time });
    if (status.next.inDays === 1) return this.i18n.t('agencies.closedOpensTomorrow', { time });
    return this.i18n.t('agencies.closedOpensOn', { day: weekdayName(status.next.weekday, locale), time });
  });

  protected readonly todayHours = computed(() => {
    const today = localClock(this.now(), this.agency().timeZone).weekday;
    const periods = weekSchedule(this.agency().openingHours)[today - 1].periods;
    return formatPeriods(periods, this.i18n.intlLocale(), this.i18n.t('agencies.closed'));
  });
}

/** `08:00–12:00, 14:00–19:00`, or the word for closed. */
export function formatPeriods(periods: readonly { opens: string; closes: string }[], locale: string, closed: string): string {
  if (periods.length === 0) return closed;
  return periods.map((p) => `${formatClock(p.opens, locale)}–${formatClock(p.closes, locale)}`).join(', ');
}
