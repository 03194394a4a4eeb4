import { DOCUMENT, Injectable, Pipe, PipeTransform, computed, effect, inject, signal } from '@angular/core';

import type { Locale } from '../api/models';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The shape every dictionary must have: the English one's, with string leaves. */
export type Messages = ShapeOf<typeof en>;
type ShapeOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : ShapeOf<T[K]> };

/** Every dotted key of the dictionaries, e.g. `auth.signIn.title`. */
export type TranslationKey = LeafPaths<typeof en>;
type LeafPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : LeafPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type TranslationParams = Readonly<Record<string, string | number>>;

export const LOCALES: readonly Locale[] = ['en', 'fr'];
export const DICTIONARIES: Readonly<Record<Locale, Messages>> = { en, fr };
const STORAGE_KEY = 'ycyw.locale';

/** Looks `key` up in `dictionary` and fills `{name}` placeholders; the key itself when missing. */
export function translate(dictionary: Messages, key: string, params?: TranslationParams): string {
  let node: unknown = dictionary;
  for (const part of key.split('.')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node !== 'string') return key;
  if (!params) return node;
  return node.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
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
  private readonly dictionary = computed(() => DICTIONARIES[this.locale()]);

  constructor() {
    effect(() => {
      this.document.documentElement.lang = this.locale();
    });
  }

  t(key: TranslationKey, params?: TranslationParams): string {
    return translate(this.dictionary(), key, params);
  }

  /** The first of `keys` that the dictionary has (for keys built at run time, e.g. from API codes). */
  lookup(keys: readonly string[], params?: TranslationParams): string | null {
    for (const key of keys) {
      const text = translate(this.dictionary(), key, params);
      if (text !== key) return text;
    }
    return null;
  }

  setLocale(locale: Locale): void {
    this.locale.set(locale);
    this.storage?.setItem(STORAGE_KEY, locale);
  }

  /** A country's name in the current language (`FR` → "France"). */
  countryName(code: string): string {
    return displayName(this.intlLocale(), 'region', code);
  }

  /** A currency's name in the current language (`EUR` → "euro"). */
  currencyName(code: string): string {
    return displayName(this.intlLocale(), 'currency', code);
  }
}

function displayName(locale: string, type: 'region' | 'currency', code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type }).of(code) ?? code;
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

/** `{{ 'nav.agencies' | t }}`; impure so that it follows the language signal. */
@Pipe({ name: 't', pure: false })
export class TranslatePipe implements PipeTransform {
  private readonly i18n = inject(I18n);

  transform(key: TranslationKey, params?: TranslationParams): string {
    return this.i18n.t(key, params);
  }
}
