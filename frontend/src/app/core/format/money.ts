/** An amount as the API sends it (`Money`), for any ISO 4217 currency. */
export interface Amount {
  readonly amountMinor: number;
  readonly currency: string;
}

const formats = new Map<string, Intl.NumberFormat>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formats.set(key, format);
  }
  return format;
}

/** How many minor units a currency has (2 for EUR, 0 for JPY), as `Intl` knows it (ISO 4217). */
export function minorDigits(currency: string): number {
  return currencyFormat('en', currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The amount of `money` in major units (`{ amountMinor: 12345, currency: 'EUR' }` → 123.45). */
export function majorAmount(money: Amount): number {
  return money.amountMinor / 10 ** minorDigits(money.currency);
}

/** `€1,234.50` in en-GB, `1 234,50 €` in fr-FR, `CA$89.99` / `89,99 $CA`: the currency as the reader writes it. */
export function formatMoney(money: Amount, locale: string): string {
  return currencyFormat(locale, money.currency).format(majorAmount(money));
}

/** `a − b` in the same currency (a price difference); refuses to mix currencies. */
export function subtractMoney<T extends Amount>(a: T, b: T): T {
  if (a.currency !== b.currency) throw new Error(`cannot subtract ${b.currency} from ${a.currency}`);
  return { ...a, amountMinor: a.amountMinor - b.amountMinor };
}

/** The per-day figure of a total over `days` started days, rounded to the minor unit. */
export function perDay<T extends Amount>(total: T, days: number): T {
  return { ...total, amountMinor: Math.round(total.amountMinor / Math.max(1, days)) };
}
