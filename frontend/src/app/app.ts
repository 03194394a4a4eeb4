import { ChangeDetectionStrategy, Component, DOCUMENT, HostListener, inject, signal } from '@angular/core';
import { ActivatedRouteSnapshot, NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter } from 'rxjs';

import type { Locale } from './core/api/models';
import { RouteFocus } from './core/a11y/route-focus';
import { AuthService } from './core/auth/auth.service';
import { I18n, LOCALES, TranslatePipe } from './core/i18n/i18n';
import { Notices } from './core/notices';
import { Logo } from './shared/logo';

/** The shell: skip link, header (navigation, language switch, account menu), notices, page, footer. */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, TranslatePipe, Logo],
  templateUrl: './app.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  protected readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthService);
  protected readonly notices = inject(Notices);
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  protected readonly locales = LOCALES;
  protected readonly menuOpen = signal(false);
  protected readonly year = new Date().getFullYear();
  /** A page for staff (the invitation's set-password): no "Create an account" for customers there. */
  protected readonly staffPage = signal(false);

  constructor() {
    inject(RouteFocus).start();
    void this.auth.restore();
    this.router.events.pipe(filter((e) => e instanceof NavigationEnd)).subscribe(() => {
      let staff = false;
      for (let r: ActivatedRouteSnapshot | null = this.router.routerState.snapshot.root; r; r = r.firstChild) staff ||= r.data['staffPage'] === true;
      this.staffPage.set(staff);
      this.menuOpen.set(false);
      this.notices.navigated();
    });
  }

  protected setLocale(locale: Locale): void {
    this.i18n.setLocale(locale);
  }

  protected toggleMenu(): void {
    this.menuOpen.update((open) => !open);
  }

  protected signOut(): void {
    this.menuOpen.set(false);
    this.auth.signOut().subscribe({
      complete: () => this.afterSignOut(),
      error: () => this.afterSignOut(),
    });
  }

  protected skipToMain(event: Event): void {
    event.preventDefault();
    const main = this.document.getElementById('main');
    main?.focus();
  }

  @HostListener('document:keydown.escape')
  protected closeMenuOnEscape(): void {
    if (this.menuOpen()) {
      this.menuOpen.set(false);
      this.document.getElementById('account-menu-button')?.focus();
    }
  }

  @HostListener('document:click', ['$event'])
  protected closeMenuOnOutsideClick(event: MouseEvent): void {
    const menu = this.document.getElementById('account-menu');
    if (this.menuOpen() && menu && !menu.contains(event.target as Node)) this.menuOpen.set(false);
  }

  private afterSignOut(): void {
    this.notices.show('success', 'notices.signedOut');
    void this.router.navigateByUrl('/');
  }
}
