import { Injectable, effect, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterStateSnapshot, TitleStrategy } from '@angular/router';

import { I18n, TranslationKey } from '../i18n/i18n';

/**
 * Route `title`s are dictionary keys; the document title is "<page> · Your Car Your Way" in the
 * current language, and follows the language switch.
 */
@Injectable({ providedIn: 'root' })
export class TranslatedTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);
  private readonly i18n = inject(I18n);
  private readonly key = signal<TranslationKey | null>(null);
  private readonly pageName = signal<string | null>(null);

  constructor() {
    super();
    effect(() => {
      const key = this.key();
      const brand = this.i18n.t('brand.name');
      const page = this.pageName() ?? (key ? this.i18n.t(key) : null);
      this.title.setTitle(page ? `${page} · ${brand}` : brand);
    });
  }

  /** A page whose title is data (an agency's name) sets it here, until the next navigation. */
  setPageName(name: string | null): void {
    this.pageName.set(name);
  }

  override updateTitle(snapshot: RouterStateSnapshot): void {
    this.pageName.set(null);
    this.key.set((this.buildTitle(snapshot) as TranslationKey | undefined) ?? null);
  }
}
