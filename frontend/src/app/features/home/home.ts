import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import { AuthService } from '../../core/auth/auth.service';
import { MARKETS } from '../../core/format/countries';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { SearchCriteria, criteriaParams } from '../search/criteria';
import { SearchForm } from '../search/search-form';

/** The home page: the search form above the fold, then why us, our countries and the sign-up band. */
@Component({
  selector: 'app-home',
  imports: [RouterLink, TranslatePipe, SearchForm],
  templateUrl: './home.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Home {
  protected readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly markets = MARKETS;

  /** `?pickupAgencyId=` ("Book here" on an agency page). */
  readonly pickupAgencyId = input<string>();

  protected search(criteria: SearchCriteria): void {
    void this.router.navigate(['/offers'], { queryParams: criteriaParams(criteria) });
  }
}
