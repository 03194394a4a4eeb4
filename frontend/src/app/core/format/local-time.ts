/**
 * Date-times as the API sends them (`2026-12-08T10:00:00+01:00`: the agency's wall clock and its
 * offset then), displayed from the offset in the string: never through the browser's own
 * time-zone database, which may disagree with the API's (Chromium and Node do for
 * America/Vancouver in late 2026 on this machine). Formatting works on the wall-clock fields
 * as if they were UTC, so no zone is ever looked up.
 */

import { uses24Hours } from './opening-hours';

/** The parts of an offset date-time. */
export interface OffsetDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** Minutes east of UTC (`+01:00` → 60, `-07:00` → −420, `Z` → 0); `null` for an agency-local `YYYY-MM-DDTHH:MM`. */
  readonly offsetMinutes: number | null;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Reads `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`; `null` for anything else. */
export function parseOffsetDateTime(text: string): OffsetDateTime | null {
  const match = PATTERN.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, , zone] = match;
  let offsetMinutes: number | null = zone === undefined ? null : 0;
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return { year: +year, month: +month, day: +day, hour: +hour, minute: +minute, offsetMinutes };
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** One Intl.DateTimeFormat per locale and options, in UTC (the wall clock): building one costs far more than using it. */
function utcFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    formats.set(key, format);
  }
  return format;
}

/** The wall-clock fields as a UTC instant: what the formatters below display, in UTC. */
function wallClock(value: OffsetDateTime): number {
  return Date.UTC(value.year, value.month - 1, value.day, value.hour, value.minute);
}

function parsed(text: string): OffsetDateTime {
  const value = parseOffsetDateTime(text);
  if (!value) throw new Error(`not an offset date-time: ${text}`);
  return value;
}

/** The instant (for countdowns and comparisons: an instant needs no zone data). */
export function instantOf(text: string): number {
  const value = parsed(text);
  if (value.offsetMinutes === null) throw new Error(`no offset in ${text}: not an instant`);
  return wallClock(value) - value.offsetMinutes * 60_000;
}

/** `Tuesday 8 December 2026` / `mardi 8 décembre 2026`, the agency's local date. */
export function formatLocalDate(text: string, locale: string, style: 'full' | 'long' | 'medium' = 'full'): string {
  return utcFormat(locale, { dateStyle: style }).format(wallClock(parsed(text)));
}

/** `Tue 8 Dec`, short, for cards and lists. */
export function formatShortLocalDate(text: string, locale: string): string {
  return utcFormat(locale, { weekday: 'short', day: 'numeric', month: 'short' }).format(wallClock(parsed(text)));
}

/** `10:00` / `10:00 AM`, the agency's local time. */
export function formatLocalClock(text: string, locale: string): string {
  return utcFormat(locale, { hour: uses24Hours(locale) ? '2-digit' : 'numeric', minute: '2-digit' }).format(wallClock(parsed(text)));
}

/**
 * The started 24-hour periods from one wall-clock time to another (at least one): the API's
 * count whenever both are in one zone with no clock change between — a first figure for a page
 * to show before the API's own.
 */
export function wallClockDays(from: string, to: string): number {
  return Math.max(1, Math.ceil((wallClock(parsed(to)) - wallClock(parsed(from))) / 86_400_000));
}

/** `UTC+1`, `UTC−7`, `UTC+5:30`, `UTC`: the offset the API sent ('' when there is none). */
export function offsetLabel(text: string): string {
  const { offsetMinutes } = parsed(text);
  if (offsetMinutes === null) return '';
  if (offsetMinutes === 0) return 'UTC';
  const sign = offsetMinutes < 0 ? '−' : '+';
  const abs = Math.abs(offsetMinutes);
  const minutes = abs % 60;
  return `UTC${sign}${Math.floor(abs / 60)}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

/** `Tuesday 8 December 2026, 10:00 (UTC+1)`: the full local date-time of an agency. */
export function formatLocalDateTime(text: string, locale: string): string {
  const offset = offsetLabel(text);
  return `${formatLocalDate(text, locale)}, ${formatLocalClock(text, locale)}${offset ? ` (${offset})` : ''}`;
}

/** The agency-local `YYYY-MM-DDTHH:MM` of an API date-time (what search and booking requests take). */
export function localInputValue(text: string): string {
  const v = parsed(text);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${v.year}-${pad(v.month)}-${pad(v.day)}T${pad(v.hour)}:${pad(v.minute)}`;
}
