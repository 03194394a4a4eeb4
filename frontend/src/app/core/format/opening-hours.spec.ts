import type { OpeningPeriod } from '../api/models';
import { formatClock, formatDate, localClock, minutesOf, openingStatus, weekSchedule, weekdayName } from './opening-hours';

const weekdays = (opens: string, closes: string): OpeningPeriod[] =>
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens, closes }));

describe('opening hours', () => {
  it('reads HH:MM as minutes, 24:00 included', () => {
    expect(minutesOf('08:30')).toBe(510);
    expect(minutesOf('24:00')).toBe(1440);
  });

  it('tells the local weekday and time of an instant in any zone', () => {
    // 2026-11-27 (a Friday) 23:30 UTC is Saturday 00:30 in Paris and Friday 18:30 in Toronto.
    const instant = new Date(Date.UTC(2026, 10, 27, 23, 30));
    expect(localClock(instant, 'Europe/Paris')).toEqual({ weekday: 6, minutes: 30 });
    expect(localClock(instant, 'America/Toronto')).toEqual({ weekday: 5, minutes: 18 * 60 + 30 });
  });

  it('is open or closed in the agency’s own time, whatever the reader’s', () => {
    const hours = weekdays('08:00', '19:00');
    // Friday 18:30 in Toronto: open, closes at 19:00; the same instant is Saturday in Paris: closed.
    const instant = new Date(Date.UTC(2026, 10, 27, 23, 30));
    expect(openingStatus(hours, 'America/Toronto', instant)).toEqual({ open: true, closes: '19:00' });
    expect(openingStatus(hours, 'Europe/Paris', instant)).toEqual({ open: false, next: { weekday: 1, opens: '08:00', inDays: 2 } });
  });

  it('opens later today, closes exactly at closing time, and follows a night opening past midnight', () => {
    const hours: OpeningPeriod[] = [
      { weekday: 1, opens: '08:00', closes: '12:00' },
      { weekday: 1, opens: '14:00', closes: '24:00' },
      { weekday: 2, opens: '00:00', closes: '02:00' },
    ];
    const mondayUtc = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 23, h, m)); // Monday, UTC
    expect(openingStatus(hours, 'UTC', mondayUtc(12, 30))).toEqual({ open: false, next: { weekday: 1, opens: '14:00', inDays: 0 } });
    expect(openingStatus(hours, 'UTC', mondayUtc(12, 0))).toMatchObject({ open: false });
    expect(openingStatus(hours, 'UTC', mondayUtc(23, 0))).toEqual({ open: true, closes: '02:00' });
    expect(openingStatus([], 'UTC', mondayUtc(10))).toEqual({ open: false, next: null });
    const always = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' }));
    expect(openingStatus(always, 'UTC', mondayUtc(3))).toEqual({ open: true, closes: '24:00', always: true });
  });

  it('lists the week Monday to Sunday with sorted periods', () => {
    const week = weekSchedule([
      { weekday: 3, opens: '14:00', closes: '18:00' },
      { weekday: 3, opens: '08:00', closes: '12:00' },
    ]);
    expect(week.map((d) => d.weekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(week[2].periods.map((p) => p.opens)).toEqual(['08:00', '14:00']);
    expect(week[0].periods).toEqual([]);
  });

  it('formats times and dates for the reader', () => {
    expect(formatClock('08:00', 'fr-FR')).toBe('08:00');
    expect(formatClock('24:00', 'en-GB')).toBe('24:00');
    expect(formatClock('19:30', 'en-US')).toMatch(/^7:30\sPM$/);
    expect(weekdayName(1, 'fr-FR')).toBe('lundi');
    expect(weekdayName(7, 'en-GB')).toBe('Sunday');
    expect(formatDate('1990-04-02', 'en-GB')).toBe('2 April 1990');
    expect(formatDate('1990-04-02', 'fr-FR')).toBe('2 avril 1990');
  });
});
