/** The seven markets where we have agencies (DESIGN.md §1). */
export const MARKETS = ['FR', 'DE', 'ES', 'IT', 'GB', 'CA', 'US'] as const;
export type Market = (typeof MARKETS)[number];

/**
 * The markets' names in each language, as `Intl.DisplayNames` gives them (countries.spec.ts
 * checks it): the home page lists the markets at start, and building a `DisplayNames` is one
 * of the costliest steps of a phone's first render (tens of milliseconds of main thread).
 */
export const MARKET_NAMES: Readonly<Record<'en' | 'fr', Readonly<Record<Market, string>>>> = {
  en: { FR: 'France', DE: 'Germany', ES: 'Spain', IT: 'Italy', GB: 'United Kingdom', CA: 'Canada', US: 'United States' },
  fr: { FR: 'France', DE: 'Allemagne', ES: 'Espagne', IT: 'Italie', GB: 'Royaume-Uni', CA: 'Canada', US: 'États-Unis' },
};

/** A market's name in `locale`'s language, `undefined` for another country. */
export function marketName(locale: 'en' | 'fr', code: string): string | undefined {
  return (MARKET_NAMES[locale] as Readonly<Record<string, string>>)[code];
}

/** Officially assigned ISO 3166-1 alpha-2 codes (what the API accepts for an address). */
export const ISO_COUNTRIES: readonly string[] = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL ' +
  'GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR ' +
  'LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK ' +
  'PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR ' +
  'TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

/** Example postal codes shown as hints, by market. */
export const POSTAL_CODE_EXAMPLES: Readonly<Record<string, string>> = {
  FR: '75001',
  DE: '10115',
  ES: '28013',
  IT: '00184',
  GB: 'SW1A 1AA',
  CA: 'K1A 0B1',
  US: '10001',
};
