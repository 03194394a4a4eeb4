import { ChangeDetectionStrategy, Component, OnInit, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';

import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe } from '../../core/i18n/i18n';

type State = 'verifying' | 'verified' | 'invalid' | 'failed';

/** The page of the emailed link: `/verify-email?token=…` confirms the address at once. */
@Component({
  selector: 'app-verify-email',
  imports: [RouterLink, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="container auth-page">
      <div class="card auth-card" aria-live="polite">
        @switch (state()) {
          @case ('verifying') {
            <h1>{{ 'auth.verify.verifying' | t }}</h1>
            <p class="muted"><span class="spinner" aria-hidden="true"></span>{{ 'auth.verify.wait' | t }}</p>
          }
          @case ('verified') {
            <div class="success-mark" aria-hidden="true">✓</div>
            <h1>{{ 'auth.verify.verifiedHeading' | t }}</h1>
            <p>{{ 'auth.verify.verifiedText' | t }}</p>
            <a routerLink="/sign-in" class="btn btn--primary">{{ 'auth.verify.signIn' | t }}</a>
          }
          @case ('invalid') {
            <h1>{{ 'auth.verify.invalidHeading' | t }}</h1>
            <p>{{ 'auth.verify.invalidText' | t }}</p>
            <a routerLink="/sign-in" class="btn btn--secondary">{{ 'auth.verify.signIn' | t }}</a>
          }
          @case ('failed') {
            <h1>{{ 'auth.verify.failedHeading' | t }}</h1>
            <p>{{ 'errors.network' | t }}</p>
            <button type="button" class="btn btn--primary" (click)="verify()">{{ 'actions.retry' | t }}</button>
          }
        }
      </div>
    </div>
  `,
})
export class VerifyEmail implements OnInit {
  private readonly auth = inject(AuthService);
  /** The emailed token (query parameter). */
  readonly token = input<string>();
  protected readonly state = signal<State>('verifying');

  ngOnInit(): void {
    this.verify();
  }

  protected verify(): void {
    const token = this.token();
    if (!token) {
      this.state.set('invalid');
      return;
    }
    this.state.set('verifying');
    this.auth.verifyEmail(token).subscribe({
      next: () => this.state.set('verified'),
      error: (error: unknown) => {
        const problem = toProblem(error);
        this.state.set(problem.status === 0 || problem.status >= 500 ? 'failed' : 'invalid');
      },
    });
  }
}
