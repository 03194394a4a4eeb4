import { showStartupError } from './startup-error';

describe('showStartupError', () => {
  beforeEach(() => {
    localStorage.clear();
    document.body.replaceChildren(document.createElement('app-root'));
  });
  afterEach(() => document.body.replaceChildren());

  it('writes the error page into <app-root>, in the remembered language, with a reload button', () => {
    localStorage.setItem('ycyw.locale', 'fr');
    showStartupError(document);
    const root = document.querySelector('app-root')!;
    expect(root.querySelector('h1')?.textContent).toBe('Un problème est survenu');
    expect(root.querySelector('button')?.textContent).toBe('Recharger la page');
    expect(document.documentElement.lang).toBe('fr');
    expect(document.title).toContain('Your Car Your Way');
  });
});
