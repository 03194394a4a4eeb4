import AxeBuilder from '@axe-core/playwright';
import { Page, expect, test as base } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export { expect };

const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * `page` that fails the test on a Content-Security-Policy violation or an uncaught error, and
 * on any serious or critical axe-core violation of the pages checked with `audit`.
 */
export const test = base.extend<{ problems: string[] }>({
  problems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy|Refused to (load|execute|apply)/i.test(text)) problems.push(`CSP: ${text}`);
      else if (message.type() === 'error' && !/Failed to load resource/.test(text)) problems.push(`console error: ${text}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    await use(problems);
    expect(problems, 'CSP violations and errors in the browser console').toEqual([]);
  },
});

/** axe-core on the current page (WCAG 2.0–2.2 A and AA rules): no serious or critical violation. */
export async function audit(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(blocking, `axe-core serious/critical violations on ${name}`).toEqual([]);
}

/** Whether the running test is the phone project's (`mobile`). */
export function onPhone(): boolean {
  return base.info().project.name === 'mobile';
}

/** A full-page screenshot for the README (docs/screenshots/NAME.png, NAME-mobile.png on the phone project). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await shoot(page, onPhone() && !name.endsWith('-mobile') ? `${name}-mobile` : name);
}

async function shoot(page: Page, file: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // No focus ring in the pictures, except in a dialog (leaving its field would mark it touched).
  await page.evaluate(() => {
    if (!document.querySelector('dialog[open]')) (document.activeElement as HTMLElement | null)?.blur();
  });
  await page.screenshot({ path: join(SCREENSHOTS, `${file}.png`), fullPage: true, animations: 'disabled' });
}

/** The phone viewport of the `mobile` project (a Pixel 7 at scale 1). */
const PHONE = { width: 412, height: 839 };

/**
 * axe-core and a screenshot of the current page on the desktop viewport (NAME.png), then on a
 * phone-sized one (NAME-mobile.png), back to the desktop: for the pages of the second browser
 * context of a spec (support's side of a chat), which keeps the desktop viewport in the mobile
 * project too. On the phone project's own page, the phone only.
 */
export async function auditAndShootBoth(page: Page, name: string): Promise<void> {
  if (onPhone() && page.viewportSize()?.width === PHONE.width) {
    await audit(page, `${name} (phone)`);
    await shoot(page, `${name}-mobile`);
    return;
  }
  const desktop = page.viewportSize();
  await audit(page, name);
  await shoot(page, name);
  await page.setViewportSize(PHONE);
  await audit(page, `${name} (phone)`);
  await shoot(page, `${name}-mobile`);
  if (desktop) await page.setViewportSize(desktop);
}

/** Every visible text and accessible label of the page (main landmark and header). */
export async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    const visible = (el: Element) => {
      const style = getComputedStyle(el);
      const box = (el as HTMLElement).getBoundingClientRect();
      return style.visibility !== 'hidden' && style.display !== 'none' && (box.width > 0 || box.height > 0 || el.closest('.visually-hidden'));
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.replace(/\s+/g, ' ').trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest('script, style, noscript, [aria-hidden="true"]') || !visible(parent)) continue;
      texts.push(text);
    }
    for (const select of Array.from(document.querySelectorAll('select'))) {
      const selected = select.selectedOptions[0]?.textContent?.replace(/\s+/g, ' ').trim();
      if (selected && visible(select)) texts.push(selected);
    }
    for (const el of Array.from(document.querySelectorAll('[aria-label], [placeholder], [title], [alt]'))) {
      if (el.closest('[aria-hidden="true"]')) continue;
      for (const attr of ['aria-label', 'placeholder', 'title', 'alt']) {
        const value = el.getAttribute(attr)?.trim();
        if (value) texts.push(value);
      }
    }
    texts.push(document.title);
    return texts;
  });
}

/**
 * Switches the language with the header control and checks that every string shown before is
 * gone, but for `same` (data and names that are the same in both languages: brand, emails, codes,
 * numbers, place names) and the language switch's own labels.
 */
export async function expectLanguageSwitchChangesEverything(
  page: Page,
  to: 'fr' | 'en',
  same: (string | RegExp)[] = [],
): Promise<void> {
  const before = await visibleTexts(page);
  await page.getByRole('button', { name: to === 'fr' ? 'Français' : 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', to);
  const after = new Set(await visibleTexts(page));
  const always: (string | RegExp)[] = [
    'Your Car Your Way',
    'EN',
    'FR',
    'English',
    'Français',
    /^[\d\s:.,/()+–-]*$/, // numbers, times, dates
    /@/, // email addresses
    /^[A-Z]{2,3}(-[A-Z0-9]{2,6})?$/, // ISO codes, agency codes
    /^\*$/,
    /^[•✓⚠✉⤓!×›▾]$/u,
  ];
  const allowed = (text: string) => [...always, ...same].some((rule) => (typeof rule === 'string' ? rule === text : rule.test(text)));
  const untranslated = before.filter((text) => after.has(text) && !allowed(text));
  expect(untranslated, `strings left untranslated after switching to ${to}`).toEqual([]);
}

const run = promisify(execFile);

/** Runs `ycyw-worker ARGS…` against the e2e database (ops commands such as create-staff). */
export async function worker(...args: string[]): Promise<string> {
  const binary = process.env['E2E_WORKER'];
  if (!binary) throw new Error('E2E_WORKER is not set (run through scripts/test-frontend)');
  const { stdout } = await run(binary, args, { env: { ...process.env, PUBLIC_URL: process.env['E2E_BASE_URL'] } });
  return stdout;
}

/** A unique address for this run. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@example.com`;
}

/**
 * Opens the registration form the way a visitor of this viewport does: the header's link, or
 * on a phone (whose header keeps "Sign in" only) the sign-in page's link. `register` and
 * `signIn` are the two links' names in the page's language.
 */
export async function openRegistration(page: Page, register: string, signIn: string): Promise<void> {
  const header = page.getByRole('banner').getByRole('link', { name: register });
  if (await header.isVisible()) return header.click();
  await page.getByRole('banner').getByRole('link', { name: signIn }).click();
  await page.getByRole('main').getByRole('link', { name: register }).click();
}
