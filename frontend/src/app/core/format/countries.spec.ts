import { MARKETS, MARKET_NAMES, marketName } from './countries';

describe('market names', () => {
  it('are what Intl.DisplayNames says in every regional form of our two languages', () => {
    for (const [language, tags] of [
      ['en', ['en-GB', 'en-US', 'en-CA']],
      ['fr', ['fr-FR', 'fr-CA']],
    ] as const) {
      for (const tag of tags) {
        const names = new Intl.DisplayNames([tag], { type: 'region' });
        for (const code of MARKETS) expect(`${tag} ${code} ${MARKET_NAMES[language][code]}`).toBe(`${tag} ${code} ${names.of(code)}`);
      }
    }
  });

  it('are known for the markets only', () => {
    expect(marketName('fr', 'GB')).toBe('Royaume-Uni');
    expect(marketName('en', 'BE')).toBeUndefined();
  });
});
