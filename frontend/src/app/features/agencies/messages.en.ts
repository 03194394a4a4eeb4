/**
 * English texts of the agency pages, in the lazy chunk of the agencies feature (registered by
 * `provideFeatureMessages` on its routes). The French dictionary has the same keys (checked by
 * the compiler through `AgencyMessages`).
 */
export const en = {
  agencies: {
    title: 'Our agencies',
    detailTitle: 'Agency',
    heading: 'Our agencies',
    lead: 'Find an agency and check its opening hours, shown in the agency’s local time.',
    filtersLabel: 'Filter agencies',
    filterCountry: 'Country',
    filterCity: 'City',
    allCountries: 'All countries',
    allCities: 'All cities',
    cityHint: 'Cities where we have agencies in this country.',
    cityHintNoCountry: 'Choose a country first.',
    loading: 'Loading agencies…',
    none: 'No agency matches these filters.',
    count: { one: '{count} agency', other: '{count} agencies' },
    countMore: 'The first {count} agencies',
    loadMore: 'Show more agencies',
    openAlways: 'Open now · 24 hours a day, 7 days a week',
    openUntil: 'Open now · closes at {time}',
    closedOpensToday: 'Closed · opens today at {time}',
    closedOpensTomorrow: 'Closed · opens tomorrow at {time}',
    closedOpensOn: 'Closed · opens {day} at {time}',
    closedPermanently: 'Temporarily closed',
    closed: 'Closed',
    localTime: 'Local time {time} ({zone})',
    today: 'Today:',
    todayBadge: 'Today',
    pricesIn: 'Prices in {name} ({symbol})',
    breadcrumb: 'Breadcrumb',
    detailLoading: 'Loading the agency',
    missingHeading: 'Agency not found',
    missingText: 'This agency does not exist or is no longer open to the public.',
    backToList: 'See all agencies',
    hoursTitle: 'Opening hours',
    hoursCaption: 'Weekly opening hours, local time ({offset})',
    day: 'Day',
    hours: 'Hours',
    contactTitle: 'Address and contact',
    timeZone: 'Time zone',
    currency: 'Currency',
    bookHere: 'Book a car here',
  },
};

export type AgencyMessages = ShapeOf<typeof en>;
type ShapeOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : ShapeOf<T[K]> };
