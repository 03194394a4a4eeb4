import { TestBed } from '@angular/core/testing';

import { ACCOUNT_MESSAGES } from '../../features/account/messages';
import { en as agenciesEn } from '../../features/agencies/messages.en';
import { fr as agenciesFr } from '../../features/agencies/messages.fr';
import { en as agentEn } from '../../features/agent/messages.en';
import { fr as agentFr } from '../../features/agent/messages.fr';
import { AUTH_MESSAGES } from '../../features/auth/messages';
import { en as consoleEn } from '../../features/console/messages.en';
import { fr as consoleFr } from '../../features/console/messages.fr';
import { RENTAL_MESSAGES } from '../../features/rental/messages';
import { SUPPORT_MESSAGES } from '../../features/support/messages';
import { PERSON_FORM_MESSAGES } from '../../shared/person-messages';
import { DICTIONARIES, I18n, MissingTranslationError, type TranslationKey, initialLocale, intlLocaleFor, translate, translatePlural } from './i18n';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  // The core dictionaries and the lazy features' (their namespaces must not collide).
  const features = [
    RENTAL_MESSAGES,
    SUPPORT_MESSAGES,
    AUTH_MESSAGES,
    ACCOUNT_MESSAGES,
    PERSON_FORM_MESSAGES,
    { en: agenciesEn, fr: agenciesFr },
    { en: consoleEn, fr: consoleFr },
    { en: agentEn, fr: agentFr },
  ];
  const en = new Map([DICTIONARIES.en, ...features.map((f) => f.en)].flatMap((d) => [...leaves(d as unknown as Tree)]));
  const fr = new Map([DICTIONARIES.fr, ...features.map((f) => f.fr)].flatMap((d) => [...leaves(d as unknown as Tree)]));

  it('give each feature namespaces of its own', () => {
    const namespaces = [DICTIONARIES.en, ...features.map((f) => f.en)].flatMap((d) => Object.keys(d));
    expect(namespaces.filter((n, i) => namespaces.indexOf(n) !== i)).toEqual([]);
  });

  it('have exactly the same keys in English and French', () => {
    expect([...fr.keys()].sort()).toEqual([...en.keys()].sort());
    expect(en.size).toBeGreaterThan(200);
  });

  it('have no empty text', () => {
    for (const [locale, dictionary] of [['en', en], ['fr', fr]] as const) {
      const empty = [...dictionary].filter(([, text]) => text.trim() === '').map(([key]) => `${locale}:${key}`);
      expect(empty).toEqual([]);
    }
  });

  it('use the same placeholders in both languages', () => {
    const mismatched = [...en].filter(([key, text]) => placeholders(text).join() !== placeholders(fr.get(key) ?? '').join());
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });

  it('are actually translated (French differs from English but for names)', () => {
    // "Messages" and "Conversations" are the same words in both languages.
    const sameOnPurpose = new Set(['brand.name', 'chat.title', 'console.queue.heading']);
    const identical = [...en].filter(([key, text]) => fr.get(key) === text && !sameOnPurpose.has(key)).map(([key]) => key);
    expect(identical).toEqual([]);
  });

  it('write French with French typography (no straight apostrophes)', () => {
    const straight = [...fr].filter(([, text]) => text.includes("'")).map(([key]) => key);
    expect(straight).toEqual([]);
  });
});

describe('translate', () => {
  it('fills placeholders and falls back to the key', () => {
    expect(translate(agenciesEn, 'agencies.count.other', { count: 3 })).toBe('3 agencies');
    expect(translate(agenciesFr, 'agencies.count.other', { count: 3 })).toBe('3 agences');
    expect(translate(DICTIONARIES.en, 'no.such.key')).toBe('no.such.key');
    expect(translate(DICTIONARIES.en, 'agencies')).toBe('agencies');
  });
});

describe('locale choice', () => {
  it('prefers the remembered choice, then the browser languages we speak, then English', () => {
    expect(initialLocale('fr', ['en-US'])).toBe('fr');
    expect(initialLocale(null, ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(initialLocale('xx', ['de-DE'])).toBe('en');
  });

  it('formats with the browser’s regional variant of the chosen language', () => {
    expect(intlLocaleFor('fr', ['en-US', 'fr-CA'])).toBe('fr-CA');
    expect(intlLocaleFor('en', ['fr-FR'])).toBe('en-GB');
  });
});

describe('I18n', () => {
  beforeEach(() => localStorage.clear());

  it('switches language, remembers it and sets <html lang>', () => {
    const i18n = TestBed.inject(I18n);
    i18n.setLocale('fr');
    TestBed.tick();
    expect(i18n.t('nav.agencies')).toBe('Nos agences');
    expect(localStorage.getItem('ycyw.locale')).toBe('fr');
    expect(document.documentElement.lang).toBe('fr');
    expect(i18n.countryName('DE')).toBe('Allemagne');
    i18n.setLocale('en');
    TestBed.tick();
    expect(i18n.t('nav.agencies')).toBe('Our agencies');
    expect(i18n.countryName('DE')).toBe('Germany');
    expect(i18n.lookup(['errors.fields.address_postalCode.invalid', 'errors.codes.invalid'])).toMatch(/postal code/);
    expect(i18n.lookup(['errors.fields.nothing.invalid'])).toBeNull();
  });
});

describe('plurals and missing keys', () => {
  it('choose the plural form with Intl.PluralRules of the language', () => {
    expect(translatePlural(RENTAL_MESSAGES.en, 'en-GB', 'offers.bags', 1)).toBe('1 suitcase');
    expect(translatePlural(RENTAL_MESSAGES.en, 'en-GB', 'offers.bags', 0)).toBe('0 suitcases');
    // French puts 0 and 1 in the singular.
    expect(translatePlural(RENTAL_MESSAGES.fr, 'fr-FR', 'offers.bags', 0)).toBe('0 valise');
    expect(translatePlural(RENTAL_MESSAGES.fr, 'fr-FR', 'offers.bags', 2)).toBe('2 valises');
    expect(translatePlural(RENTAL_MESSAGES.fr, 'fr-FR', 'offers.period', 1, { from: 'a', to: 'b' })).toBe('a → b · 1 jour');
  });

  it('follow the language switch through I18n.plural, once the feature registered its texts', () => {
    localStorage.clear();
    const i18n = TestBed.inject(I18n);
    i18n.setLocale('en');
    expect(() => i18n.plural('offers.left', 1)).toThrow(MissingTranslationError);
    i18n.register(RENTAL_MESSAGES);
    expect(i18n.plural('offers.left', 1)).toBe('Last car of this type');
    expect(i18n.plural('offers.left', 2)).toBe('Only 2 left');
    i18n.setLocale('fr');
    expect(i18n.plural('offers.count', 1)).toBe('1 voiture disponible');
  });

  it('fail on a key no dictionary has, in development and tests', () => {
    const i18n = TestBed.inject(I18n);
    expect(() => i18n.t('reservations.status.lost' as TranslationKey)).toThrow(MissingTranslationError);
    expect(() => i18n.t('reservations.status.lost' as TranslationKey)).toThrow(/reservations\.status\.lost/);
  });
});
