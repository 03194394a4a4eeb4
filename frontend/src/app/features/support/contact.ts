import { ChangeDetectionStrategy, Component, ElementRef, Injector, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';

import { SupportService } from '../../core/api/support.service';
import { AuthService } from '../../core/auth/auth.service';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { FormAlert } from '../../shared/form-alert';
import { describedBy, focusAfterRender, showsError } from '../../shared/forms';
import { formSubmission } from '../../shared/form-submission';

/** A booking reference as the API writes it (YCW- and six letters or digits); the API checks it too. */
const REFERENCE = /^\s*YCW-[A-Z0-9]{6}\s*$/i;

/**
 * The help page: the contact form (for everyone, signed in or not; the API acknowledges by
 * email) and, for customers, the way to the live chat.
 */
@Component({
  selector: 'app-contact',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .help { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1.5rem; align-items: start; }
    .help textarea { width: 100%; min-height: 9rem; padding: 0.7rem 0.8rem; font: inherit; border: 1px solid var(--line-strong); border-radius: var(--radius-small); resize: vertical; }
    .help textarea:focus-visible { outline: none; box-shadow: var(--focus); }
    .help textarea[aria-invalid='true'] { border-color: var(--danger); }
    .help__aside h2 { margin-top: 0; }
    @media (max-width: 800px) { .help { grid-template-columns: 1fr; } }
  `,
  template: `
    <div class="container page">
      <header class="page-header">
        <h1>{{ 'support.contact.heading' | t }}</h1>
        <p class="lead">{{ 'support.contact.lead' | t }}</p>
      </header>

      <div class="help">
        <section class="card" aria-labelledby="contact-title">
          @if (received()) {
            <div class="success-mark" aria-hidden="true">✉</div>
            <h2 id="contact-sent" tabindex="-1">{{ 'support.contact.sentHeading' | t }}</h2>
            <p>{{ 'support.contact.sentText' | t: { email: received()! } }}</p>
            <button type="button" class="btn btn--secondary" (click)="again()">{{ 'support.contact.another' | t }}</button>
          } @else {
            <h2 id="contact-title">{{ 'support.contact.formTitle' | t }}</h2>
            <p class="muted small">{{ 'forms.requiredNote' | t }}</p>
            <app-form-alert [message]="submission.error()" alertId="contact-error" />
            <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
              <div class="grid-2">
                <div class="field">
                  <label for="contact-name">{{ 'support.contact.name' | t }} <span class="req" aria-hidden="true">*</span></label>
                  <input id="contact-name" formControlName="name" autocomplete="name" maxlength="100"
                    [attr.aria-invalid]="showsError(form.controls.name)" [attr.aria-describedby]="describedBy(form.controls.name, 'contact-name-error')" />
                  <app-field-error [control]="form.controls.name" field="name" id="contact-name-error" />
                </div>
                <div class="field">
                  <label for="contact-email">{{ 'fields.email' | t }} <span class="req" aria-hidden="true">*</span></label>
                  <input id="contact-email" type="email" formControlName="email" autocomplete="email" inputmode="email"
                    [attr.aria-invalid]="showsError(form.controls.email)" [attr.aria-describedby]="describedBy(form.controls.email, 'contact-email-error')" />
                  <app-field-error [control]="form.controls.email" field="email" id="contact-email-error" />
                </div>
              </div>
              <div class="field">
                <label for="contact-subject">{{ 'support.contact.subject' | t }} <span class="req" aria-hidden="true">*</span></label>
                <input id="contact-subject" formControlName="subject" maxlength="200"
                  [attr.aria-invalid]="showsError(form.controls.subject)" [attr.aria-describedby]="describedBy(form.controls.subject, 'contact-subject-error')" />
                <app-field-error [control]="form.controls.subject" field="subject" id="contact-subject-error" />
              </div>
              <div class="field">
                <label for="contact-reference">{{ 'support.contact.reference' | t }} <span class="optional">{{ 'forms.optional' | t }}</span></label>
                <input id="contact-reference" formControlName="reservationReference" autocomplete="off" placeholder="YCW-7K2M9Q"
                  [attr.aria-invalid]="showsError(form.controls.reservationReference)"
                  [attr.aria-describedby]="describedBy(form.controls.reservationReference, 'contact-reference-error', 'contact-reference-hint')" />
                <p class="hint" id="contact-reference-hint">{{ 'support.contact.referenceHint' | t }}</p>
                <app-field-error [control]="form.controls.reservationReference" field="reservationReference" id="contact-reference-error" />
              </div>
              <div class="field">
                <label for="contact-message">{{ 'support.contact.message' | t }} <span class="req" aria-hidden="true">*</span></label>
                <textarea id="contact-message" formControlName="message" maxlength="5000"
                  [attr.aria-invalid]="showsError(form.controls.message)" [attr.aria-describedby]="describedBy(form.controls.message, 'contact-message-error')"></textarea>
                <app-field-error [control]="form.controls.message" field="message" id="contact-message-error" />
              </div>
              <button type="submit" class="btn btn--primary" [disabled]="submission.submitting()" [attr.aria-busy]="submission.submitting()">
                {{ (submission.submitting() ? 'support.contact.sending' : 'support.contact.submit') | t }}
              </button>
            </form>
          }
        </section>

        <aside class="card help__aside" aria-labelledby="chat-aside-title">
          <h2 id="chat-aside-title">{{ 'support.contact.chatTitle' | t }}</h2>
          <p>{{ 'support.contact.chatText' | t }}</p>
          @if (auth.role() === 'client') {
            <a routerLink="/support/chat" class="btn btn--accent">{{ 'support.contact.chatOpen' | t }}</a>
          } @else if (auth.status() === 'anonymous') {
            <a routerLink="/sign-in" [queryParams]="{ returnUrl: '/support/chat' }" class="btn btn--secondary">{{ 'support.contact.chatSignIn' | t }}</a>
          }
        </aside>
      </div>
    </div>
  `,
})
export class Contact {
  protected readonly auth = inject(AuthService);
  private readonly i18n = inject(I18n);
  private readonly api = inject(SupportService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    email: ['', [Validators.required, Validators.email]],
    subject: ['', [Validators.required, Validators.maxLength(200)]],
    reservationReference: ['', Validators.pattern(REFERENCE)],
    message: ['', [Validators.required, Validators.maxLength(5000)]],
  });
  protected readonly submission = formSubmission(this.form);
  protected readonly received = signal<string | null>(null);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  constructor() {
    void this.auth.restore().then(() => this.prefill());
  }

  protected submit(): void {
    if (!this.submission.start()) return;
    const value = this.form.getRawValue();
    const reference = value.reservationReference.trim().toUpperCase();
    this.api
      .contact({
        name: value.name.trim(),
        email: value.email.trim(),
        subject: value.subject.trim(),
        message: value.message.trim(),
        reservationReference: reference || null,
        locale: this.i18n.locale(),
      })
      .subscribe({
        next: () => {
          this.submission.succeeded();
          this.received.set(value.email.trim());
          focusAfterRender(this.injector, this.host.nativeElement, '#contact-sent');
        },
        error: (error: unknown) => this.submission.failed(error),
      });
  }

  protected again(): void {
    this.received.set(null);
    this.form.reset();
    this.prefill();
    focusAfterRender(this.injector, this.host.nativeElement, '#contact-name');
  }

  private prefill(): void {
    const user = this.auth.user();
    if (!user) return;
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
    if (name && !this.form.controls.name.value) this.form.controls.name.setValue(name);
    if (!this.form.controls.email.value) this.form.controls.email.setValue(user.email);
  }
}
