import { DICTIONARIES, initialLocale, translate } from './i18n/i18n';

/**
 * The app could not start (a chunk that no longer exists after a deployment, a failing
 * provider): the error page, written without Angular into `<app-root>`, in the language the
 * app would have used, with a reload button.
 */
export function showStartupError(document: Document): void {
  const root = document.querySelector('app-root') ?? document.body;
  let stored: string | null = null;
  try {
    stored = document.defaultView?.localStorage.getItem('ycyw.locale') ?? null;
  } catch {
    // No storage: the browser's language decides.
  }
  const locale = initialLocale(stored, document.defaultView?.navigator.languages ?? []);
  const t = (key: string) => translate(DICTIONARIES[locale], key);
  document.documentElement.lang = locale;
  document.title = `${t('errorPage.title')} · ${t('brand.name')}`;

  const element = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const main = element('main', '');
  main.id = 'main';
  const page = element('div', 'container status-page');
  const mark = element('p', 'status-page__code', '!');
  mark.setAttribute('aria-hidden', 'true');
  const actions = element('div', 'form-actions form-actions--center');
  const reload = element('button', 'btn btn--primary', t('errorPage.reload'));
  reload.type = 'button';
  reload.addEventListener('click', () => document.location.reload());
  actions.append(reload);
  page.append(mark, element('h1', '', t('errorPage.heading')), element('p', 'lead', t('errorPage.text')), actions);
  main.append(page);
  root.replaceChildren(main);
}
