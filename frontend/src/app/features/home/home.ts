import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import { AuthService } from '../../core/auth/auth.service';
import { MARKETS } from '../../core/format/countries';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';

@Component({
  selector: 'app-home',
  imports: [RouterLink, TranslatePipe],
  templateUrl: './home.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Home {
  protected readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly markets = MARKETS;
  protected readonly country = signal('');

  protected findAgencies(event: Event): void {
    event.preventDefault();
    const country = this.country();
    void this.router.navigate(['/agencies'], { queryParams: country ? { country } : {} });
  }
}
