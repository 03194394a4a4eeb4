import { Injectable, signal } from '@angular/core';

import type { TranslationKey, TranslationParams } from './i18n/i18n';

export interface Notice {
  kind: 'success' | 'info' | 'warning' | 'error';
  key: TranslationKey;
  params?: TranslationParams;
}

/**
 * A message of the shell, above the page: one that outlives a navigation ("your account was
 * deleted"), or one about the current page (an unexpected error that did not stop it).
 */
@Injectable({ providedIn: 'root' })
export class Notices {
  readonly current = signal<Notice | null>(null);
  private fresh = false;

  /** Shows a notice on the page the app is about to navigate to; the next navigation clears it. */
  show(kind: Notice['kind'], key: TranslationKey, params?: TranslationParams): void {
    this.current.set({ kind, key, params });
    this.fresh = true;
  }

  /** Shows a notice on the current page; the next navigation clears it. */
  showHere(kind: Notice['kind'], key: TranslationKey, params?: TranslationParams): void {
    const current = this.current();
    if (current?.kind === kind && current.key === key && current.params === params) return;
    this.current.set({ kind, key, params });
    this.fresh = false;
  }

  /** Called by the shell after each navigation. */
  navigated(): void {
    if (this.fresh) this.fresh = false;
    else this.current.set(null);
  }

  dismiss(): void {
    this.current.set(null);
  }
}
