import {
  formatLocalClock,
  formatLocalDate,
  formatLocalDateTime,
  instantOf,
  localInputValue,
  offsetLabel,
  parseOffsetDateTime,
  wallClockDays,
} from './local-time';
import { formatMoney, majorAmount, minorDigits, perDay, subtractMoney } from './money';

describe('local date-times from the API’s offsets', () => {
  // The API (chrono-tz) and this machine's browsers need not agree on a zone's rules; what the
  // API sent is what the agency's clock says, whatever the test runner's zone is.
  const vancouver = '2026-12-08T10:00:00-07:00';
  const paris = '2026-07-14T09:30:00+02:00';

  it('parses the wall clock and the offset of the string', () => {
    expect(parseOffsetDateTime(vancouver)).toEqual({ year: 2026, month: 12, day: 8, hour: 10, minute: 0, offsetMinutes: -420 });
    expect(parseOffsetDateTime(paris)).toMatchObject({ hour: 9, minute: 30, offsetMinutes: 120 });
    expect(parseOffsetDateTime('2026-12-08T10:00:00Z')?.offsetMinutes).toBe(0);
    expect(parseOffsetDateTime('2026-12-08T10:00')?.offsetMinutes).toBeNull();
    expect(parseOffsetDateTime('8 Dec 2026')).toBeNull();
  });

  it('shows America/Vancouver at the offset the API sent, not the one the browser’s zone data would give', () => {
    // Vancouver in December is UTC−8 by the zone data of 2025; the API says −7: the API wins.
    expect(formatLocalClock(vancouver, 'en-GB')).toBe('10:00');
    expect(formatLocalClock(vancouver, 'en-US')).toMatch(/^10:00\sAM$/);
    expect(formatLocalDate(vancouver, 'en-GB')).toMatch(/^Tuesday,? 8 December 2026$/);
    expect(formatLocalDate(vancouver, 'fr-FR')).toBe('mardi 8 décembre 2026');
    expect(offsetLabel(vancouver)).toBe('UTC−7');
    expect(instantOf(vancouver)).toBe(Date.UTC(2026, 11, 8, 17, 0));
  });

  it('shows Europe/Paris in summer time with its own offset', () => {
    expect(formatLocalDateTime(paris, 'fr-FR')).toBe('mardi 14 juillet 2026, 09:30 (UTC+2)');
    expect(formatLocalDateTime(paris, 'en-GB')).toMatch(/^Tuesday,? 14 July 2026, 09:30 \(UTC\+2\)$/);
    expect(instantOf(paris)).toBe(Date.UTC(2026, 6, 14, 7, 30));
    expect(offsetLabel('2026-01-01T10:00:00+05:30')).toBe('UTC+5:30');
  });

  it('gives back the agency-local input value of a date-time', () => {
    expect(localInputValue(vancouver)).toBe('2026-12-08T10:00');
    expect(formatLocalDateTime('2026-12-08T10:00', 'en-GB')).toMatch(/^Tuesday,? 8 December 2026, 10:00$/);
    expect(() => instantOf('2026-12-08T10:00')).toThrow();
  });

  it('counts started 24-hour periods on the wall clock, at least one', () => {
    expect(wallClockDays('2026-12-15T10:00', '2026-12-18T10:00')).toBe(3);
    expect(wallClockDays('2026-12-15T10:00', '2026-12-18T10:01')).toBe(4);
    expect(wallClockDays('2026-12-15T10:00', '2026-12-15T12:00')).toBe(1);
    // Across the end of March (Paris skips an hour), still the wall clock's count.
    expect(wallClockDays('2027-03-27T10:00', '2027-03-29T10:00')).toBe(2);
  });
});

describe('money', () => {
  it('formats amounts in minor units in the reader’s way', () => {
    const eur = { amountMinor: 123450, currency: 'EUR' };
    expect(formatMoney(eur, 'en-GB')).toBe('€1,234.50');
    expect(formatMoney(eur, 'fr-FR').replace(/\s/g, ' ')).toBe('1 234,50 €');
    expect(formatMoney({ amountMinor: 8999, currency: 'CAD' }, 'fr-CA').replace(/\s/g, ' ')).toBe('89,99 $');
    expect(formatMoney({ amountMinor: 1200, currency: 'JPY' }, 'en-GB')).toBe('JP¥1,200');
    expect(minorDigits('JPY')).toBe(0);
    expect(majorAmount({ amountMinor: 5, currency: 'USD' })).toBe(0.05);
  });

  it('computes differences and per-day figures without mixing currencies', () => {
    expect(subtractMoney({ amountMinor: 30000, currency: 'EUR' }, { amountMinor: 20000, currency: 'EUR' })).toEqual({ amountMinor: 10000, currency: 'EUR' });
    expect(() => subtractMoney({ amountMinor: 1, currency: 'EUR' }, { amountMinor: 1, currency: 'GBP' })).toThrow();
    expect(perDay({ amountMinor: 10000, currency: 'EUR' }, 3)).toEqual({ amountMinor: 3333, currency: 'EUR' });
  });
});
