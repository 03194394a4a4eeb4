import {
  DOCUMENT,
  EnvironmentProviders,
  Injectable,
  Pipe,
  PipeTransform,
  computed,
  effect,
  inject,
  isDevMode,
  provideEnvironmentInitializer,
  signal,
} from '@angular/core';

import type { Locale } from '../api/models';
import { marketName } from '../format/countries';
import type { en as agenciesEn } from '../../features/agencies/messages.en';
import type { en as rentalEn } from '../../features/rental/messages.en';
import type { en as supportEn } from '../../features/support/messages.en';
import type { en as consoleEn } from '../../features/console/messages.en';
import type { en as agentEn } from '../../features/agent/messages.en';
import type { en as authEn } from '../../features/auth/messages.en';
import type { en as accountEn } from '../../features/account/messages.en';
import type { en as personFormEn } from '../../shared/person-messages.en';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The shape every dictionary must have: the English one's, with string leaves. */
export type Messages = ShapeOf<typeof en>;
type ShapeOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : ShapeOf<T[K]> };

/**
 * Every dotted key of the dictionaries, e.g. `auth.signIn.title`: the core ones (in the initial
 * bundle) and those of the lazy features, registered when their routes load ({@link I18n.register}).
 */
export type TranslationKey = LeafPaths<AllMessages>;
type AllMessages = typeof en &
  typeof agenciesEn &
  typeof rentalEn &
  typeof supportEn &
  typeof consoleEn &
  typeof agentEn &
  typeof authEn &
  typeof accountEn &
  typeof personFormEn;

/** A dictionary of a lazy feature in both languages: top-level namespaces of its own. */
export type FeatureDictionaries = Readonly<Record<Locale, Tree>>;
type Tree = { readonly [key: string]: string | Tree };
type LeafPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : LeafPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type TranslationParams = Readonly<Record<string, string | number>>;

/**
 * Keys of plural messages: objects with an `other` form and the forms `Intl.PluralRules` names
 * for the language (`one`, and `zero`, `two`, `few`, `many` where it has them), e.g. `offers.count`.
 */
export type PluralKey = PluralPaths<AllMessages>;
type PluralPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? never : T[K] extends { other: string } ? `${Prefix}${K}` : PluralPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A key the dictionaries do not have (a key built at run time): an error in development and tests. */
export class MissingTranslationError extends Error {
  constructor(readonly key: string) {
    super(`no message for the key "${key}" in the dictionaries`);
    this.name = 'MissingTranslationError';
  }
}

export const LOCALES: readonly Locale[] = ['en', 'fr'];
export const DICTIONARIES: Readonly<Record<Locale, Messages>> = { en, fr };
const STORAGE_KEY = 'ycyw.locale';

/** The text of `key` in `dictionary`, or `null` when it has none. */
export function find(dictionary: Messages | Tree, key: string): string | null {
  let node: unknown = dictionary;
  for (const part of key.split('.')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  }
  return typeof node === 'string' ? node : null;
}

/** Fills the `{name}` placeholders of `text`. */
export function fill(text: string, params?: TranslationParams): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

/** Looks `key` up in `dictionary` and fills `{name}` placeholders; the key itself when missing. */
export function translate(dictionary: Messages | Tree, key: string, params?: TranslationParams): string {
  const text = find(dictionary, key);
  return text === null ? key : fill(text, params);
}

// Building an Intl object costs far more than using it, and a list of offers asks for dozens of plurals per render.
const pluralRules = new Map<string, Intl.PluralRules>();

function pluralRulesOf(locale: string): Intl.PluralRules {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules;
}

/** The plural form of `key` for `count` in `locale` (`offers.count` → `offers.count.one` or `.other`), `{count}` filled. */
export function translatePlural(dictionary: Messages | Tree, locale: string, key: string, count: number, params?: TranslationParams): string | null {
  const form = pluralRulesOf(locale).select(count);
  const text = find(dictionary, `${key}.${form}`) ?? find(dictionary, `${key}.other`);
  return text === null ? null : fill(text, { count, ...params });
}

/** The locale for `Intl`: the browser's regional variant of the chosen language when it has one. */
export function intlLocaleFor(locale: Locale, preferred: readonly string[]): string {
  const regional = preferred.find((tag) => tag.toLowerCase().startsWith(`${locale}-`));
  return regional ?? (locale === 'fr' ? 'fr-FR' : 'en-GB');
}

/** The language at start: the one chosen before, else the browser's when we speak it, else English. */
export function initialLocale(stored: string | null, preferred: readonly string[]): Locale {
  if (stored === 'en' || stored === 'fr') return stored;
  for (const tag of preferred) {
    const language = tag.slice(0, 2).toLowerCase();
    if (language === 'fr' || language === 'en') return language;
  }
  return 'en';
}

/**
 * The current language (a signal, remembered in localStorage) and the typed dictionaries. Every
 * visible string goes through {@link I18n.t}; dates, times, numbers and money through `Intl` with
 * {@link I18n.intlLocale}.
 */
@Injectable({ providedIn: 'root' })
export class I18n {
  private readonly document = inject(DOCUMENT);
  private readonly storage = safeStorage(this.document);
  private readonly preferred = this.document.defaultView?.navigator.languages ?? [];

  readonly locale = signal<Locale>(initialLocale(this.storage?.getItem(STORAGE_KEY) ?? null, this.preferred));
  readonly intlLocale = computed(() => intlLocaleFor(this.locale(), this.preferred));
  /** The lazy features' dictionaries registered so far. */
  private readonly features = signal<readonly FeatureDictionaries[]>([]);
  private readonly dictionary = computed<Tree>(() => {
    const locale = this.locale();
    return Object.assign({}, DICTIONARIES[locale], ...this.features().map((feature) => feature[locale]));
  });

  constructor() {
    effect(() => {
      this.document.documentElement.lang = this.locale();
    });
  }

  /** A missing key throws in development and tests (a key built at run time that no dictionary has); shows the key in production. */
  private readonly strict = isDevMode();

  t(key: TranslationKey, params?: TranslationParams): string {
    const text = find(this.dictionary(), key);
    if (text === null) return this.missing(key);
    return fill(text, params);
  }

  /** `{{ count }}` things with the language's plural rules (`Intl.PluralRules`): `1 suitcase`, `2 suitcases`, `0 valise`. */
  plural(key: PluralKey, count: number, params?: TranslationParams): string {
    return translatePlural(this.dictionary(), this.intlLocale(), key, count, params) ?? this.missing(key);
  }

  private missing(key: string): string {
    if (this.strict) throw new MissingTranslationError(key);
    return key;
  }

  /** The first of `keys` that the dictionary has (for keys built at run time, e.g. from API codes). */
  lookup(keys: readonly string[], params?: TranslationParams): string | null {
    for (const key of keys) {
      const text = translate(this.dictionary(), key, params);
      if (text !== key) return text;
    }
    return null;
  }

  /** Adds a lazy feature's dictionaries (once; `provideFeatureMessages` on its routes calls this). */
  register(feature: FeatureDictionaries): void {
    if (!this.features().includes(feature)) this.features.update((features) => [...features, feature]);
  }

  setLocale(locale: Locale): void {
    this.locale.set(locale);
    this.storage?.setItem(STORAGE_KEY, locale);
  }

  /** A country's name in the current language (`FR` → "France"). */
  countryName(code: string): string {
    return marketName(this.locale(), code) ?? displayName(this.intlLocale(), 'region', code);
  }

  /** A currency's symbol in the current language (`CAD` → "CA$" in English, "$CA" in French). */
  currencySymbol(code: string): string {
    try {
      const parts = new Intl.NumberFormat(this.intlLocale(), { style: 'currency', currency: code }).formatToParts(0);
      return parts.find((p) => p.type === 'currency')?.value ?? code;
    } catch {
      return code;
    }
  }

  /** A currency's name in the current language (`EUR` → "euro"). */
  currencyName(code: string): string {
    return displayName(this.intlLocale(), 'currency', code);
  }
}

const displayNames = new Map<string, Intl.DisplayNames>();

function displayName(locale: string, type: 'region' | 'currency', code: string): string {
  try {
    const key = `${locale}|${type}`;
    let names = displayNames.get(key);
    if (!names) {
      names = new Intl.DisplayNames([locale], { type });
      displayNames.set(key, names);
    }
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

function safeStorage(document: Document): Storage | null {
  try {
    return document.defaultView?.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Route providers of a lazy feature whose texts live in its own chunk: registers its
 * dictionaries when the route's injector is created, before its components render.
 */
export function provideFeatureMessages(feature: FeatureDictionaries): EnvironmentProviders {
  return provideEnvironmentInitializer(() => inject(I18n).register(feature));
}

/** `{{ 'offers.bags' | plural: count }}`; impure so that it follows the language signal. */
@Pipe({ name: 'plural', pure: false })
export class PluralPipe implements PipeTransform {
  private readonly i18n = inject(I18n);

  transform(key: PluralKey, count: number, params?: TranslationParams): string {
    return this.i18n.plural(key, count, params);
  }
}

/** `{{ 'nav.agencies' | t }}`; impure so that it follows the language signal. */
@Pipe({ name: 't', pure: false })
export class TranslatePipe implements PipeTransform {
  private readonly i18n = inject(I18n);

  transform(key: TranslationKey, params?: TranslationParams): string {
    return this.i18n.t(key, params);
  }
}
