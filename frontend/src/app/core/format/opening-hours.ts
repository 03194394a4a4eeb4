import type { OpeningPeriod } from '../api/models';

/** Minutes since midnight of `HH:MM` (`24:00` → 1440). */
export function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map((part) => Number.parseInt(part, 10));
  return hours * 60 + minutes;
}

/** ISO weekday (1 = Monday … 7 = Sunday) and minutes since midnight of `now` in `timeZone`. */
export function localClock(now: Date, timeZone: string): { weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part('weekday')) + 1;
  return { weekday, minutes: Number.parseInt(part('hour'), 10) * 60 + Number.parseInt(part('minute'), 10) };
}

/** The seven days Monday → Sunday, each with its periods sorted by opening time. */
export function weekSchedule(hours: readonly OpeningPeriod[]): { weekday: number; periods: OpeningPeriod[] }[] {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    periods: hours.filter((p) => p.weekday === weekday).sort((a, b) => minutesOf(a.opens) - minutesOf(b.opens)),
  }));
}

export type OpeningStatus =
  | { open: true; closes: string; always?: true }
  | { open: false; next: { weekday: number; opens: string; inDays: number } | null };

/**
 * Whether the agency is open at `now`, in its own time zone; when open, the closing time (a night
 * opening split as `22:00–24:00` + `00:00–02:00` closes at 02:00); when closed, the next opening.
 */
export function openingStatus(hours: readonly OpeningPeriod[], timeZone: string, now: Date): OpeningStatus {
  const { weekday, minutes } = localClock(now, timeZone);
  const week = weekSchedule(hours);
  const day = (offset: number) => week[(weekday - 1 + offset) % 7];
  const current = day(0).periods.find((p) => minutesOf(p.opens) <= minutes && minutes < minutesOf(p.closes));
  if (current) {
    let closes = current.closes;
    for (let offset = 1; closes === '24:00' && offset <= 7; offset++) {
      const overnight = day(offset).periods.find((p) => p.opens === '00:00');
      if (!overnight) return { open: true, closes };
      closes = overnight.closes;
    }
    return closes === '24:00' ? { open: true, closes, always: true } : { open: true, closes };
  }
  for (let offset = 0; offset < 8; offset++) {
    const candidates = day(offset).periods.filter((p) => offset > 0 || minutesOf(p.opens) > minutes);
    if (candidates.length > 0) {
      return { open: false, next: { weekday: day(offset).weekday, opens: candidates[0].opens, inDays: offset } };
    }
  }
  return { open: false, next: null };
}

/** A wall-clock `HH:MM` in the reader's format (`08:00`, `8:00 AM`); `24:00` stays `24:00` in 24-hour locales. */
export function formatClock(hhmm: string, locale: string): string {
  const total = minutesOf(hhmm);
  const format = clockFormat(locale, 'UTC');
  const h23 = uses24Hours(locale);
  if (total === 1440 && h23) return format.format(Date.UTC(2024, 0, 1, 0, 0)).replace(/^0?0/, '24');
  return format.format(Date.UTC(2024, 0, 1, Math.floor(total / 60) % 24, total % 60));
}

// Building an Intl.DateTimeFormat costs far more than using one: pages format dozens of times
// (time pickers, weekly hours) on every render, so formats are made once per locale and zone.
const hourCycles = new Map<string, boolean>();
const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** Whether `locale` writes times on a 24-hour clock. */
export function uses24Hours(locale: string): boolean {
  let h23 = hourCycles.get(locale);
  if (h23 === undefined) {
    const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric', timeZone: 'UTC' }).resolvedOptions().hourCycle;
    h23 = cycle === 'h23' || cycle === 'h24';
    hourCycles.set(locale, h23);
  }
  return h23;
}

/** Hours and minutes in `locale`'s clock: `07:30` on a 24-hour clock, `7:30 AM` on a 12-hour one. */
function clockFormat(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let format = clockFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { hour: uses24Hours(locale) ? '2-digit' : 'numeric', minute: '2-digit', timeZone });
    clockFormats.set(key, format);
  }
  return format;
}

/** The name of an ISO weekday (1 = Monday) in `locale`. */
export function weekdayName(weekday: number, locale: string, width: 'long' | 'short' = 'long'): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' }).format(Date.UTC(2024, 0, weekday));
}

/** The time now in `timeZone`, in the reader's format. */
export function formatLocalTime(now: Date, timeZone: string, locale: string): string {
  return clockFormat(locale, timeZone).format(now);
}

/** The offset label of `timeZone` now, e.g. `GMT+1`, `UTC−5`. */
export function zoneLabel(now: Date, timeZone: string, locale: string): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'shortOffset' }).formatToParts(now);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** The generic name of `timeZone` in `locale` ("Central European Time"), its offset label when Intl has none. */
export function zoneName(now: Date, timeZone: string, locale: string): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'longGeneric' }).formatToParts(now);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zoneLabel(now, timeZone, locale);
}

/** A calendar date `YYYY-MM-DD` in the reader's long format (no time zone shift). */
export function formatDate(isoDate: string, locale: string): string {
  const [year, month, day] = isoDate.split('-').map((part) => Number.parseInt(part, 10));
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, day));
}
