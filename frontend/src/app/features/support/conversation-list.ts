import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';

import type { Conversation, ConversationStatus } from '../../core/api/models';
import { SupportService } from '../../core/api/support.service';
import { pagedLoadState } from '../../core/data/load-state';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { FormAlert } from '../../shared/form-alert';
import { describedBy, showsError } from '../../shared/forms';
import { formSubmission } from '../../shared/form-submission';
import { LoadMore } from '../../shared/load-more';
import { LoadStatus } from '../../shared/load-status';
import { newClientMsgId } from './chat-thread';
import { conversationBadge, conversationStatusKey, formatWhen } from './conversation-status';

/** A customer's conversations with support, and the form that opens a new one. */
@Component({
  selector: 'app-conversation-list',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert, LoadStatus, LoadMore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .chat-home { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; align-items: start; }
    .chat-home textarea { width: 100%; min-height: 7rem; padding: 0.7rem 0.8rem; font: inherit; border: 1px solid var(--line-strong); border-radius: var(--radius-small); resize: vertical; }
    .chat-home textarea:focus-visible { outline: none; box-shadow: var(--focus); }
    .conv-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.75rem; }
    .conv-list li { display: flex; justify-content: space-between; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
    .conv-list a { font-weight: 600; }
    @media (max-width: 800px) { .chat-home { grid-template-columns: 1fr; } }
  `,
  template: `
    <div class="container page">
      <header class="page-header">
        <h1>{{ 'support.chat.heading' | t }}</h1>
        <p class="lead">{{ 'support.chat.lead' | t }}</p>
      </header>
      <div class="chat-home">
        <section class="card" aria-labelledby="new-chat-title">
          <h2 id="new-chat-title">{{ 'support.chat.newTitle' | t }}</h2>
          <app-form-alert [message]="submission.error()" alertId="new-chat-error" />
          <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
            <div class="field">
              <label for="chat-subject">{{ 'support.contact.subject' | t }}</label>
              <input id="chat-subject" formControlName="subject" maxlength="200"
                [attr.aria-invalid]="showsError(form.controls.subject)" [attr.aria-describedby]="describedBy(form.controls.subject, 'chat-subject-error')" />
              <app-field-error [control]="form.controls.subject" field="subject" id="chat-subject-error" />
            </div>
            <div class="field">
              <label for="chat-first">{{ 'support.chat.firstMessage' | t }}</label>
              <textarea id="chat-first" formControlName="firstMessage" maxlength="5000"
                [attr.aria-invalid]="showsError(form.controls.firstMessage)" [attr.aria-describedby]="describedBy(form.controls.firstMessage, 'chat-first-error')"></textarea>
              <app-field-error [control]="form.controls.firstMessage" field="firstMessage" id="chat-first-error" />
            </div>
            <button type="submit" class="btn btn--primary" [disabled]="submission.submitting()" [attr.aria-busy]="submission.submitting()">{{ 'support.chat.start' | t }}</button>
          </form>
        </section>

        <section class="card" aria-labelledby="chat-list-title">
          <h2 id="chat-list-title">{{ 'support.chat.listTitle' | t }}</h2>
          <app-load-status [state]="list.state()" (retry)="list.retry()" />
          @switch (list.state().status) {
            @case ('empty') {
              <p class="muted">{{ 'support.chat.none' | t }}</p>
            }
            @case ('data') {
              @if (list.value(); as page) {
                <ul class="conv-list">
                  @for (c of page.items; track c.id) {
                    <li>
                      <span>
                        <a [routerLink]="['/support/chat', c.id]">{{ c.subject }}</a><br />
                        <span class="muted small">{{ 'support.chat.lastActivity' | t: { when: when(c) } }}</span>
                      </span>
                      <span [class]="badge(c.status)">{{ statusKey(c.status) | t }}</span>
                    </li>
                  }
                </ul>
                <app-load-more [list]="list" label="support.chat.more" />
              }
            }
          }
        </section>
      </div>
    </div>
  `,
})
export class ConversationList {
  private readonly i18n = inject(I18n);
  private readonly api = inject(SupportService);
  private readonly router = inject(Router);

  protected readonly list = pagedLoadState({ params: () => 'mine', loadPage: (_p, cursor) => this.api.conversations(null, cursor) });
  protected readonly form = inject(NonNullableFormBuilder).group({
    subject: ['', [Validators.required, Validators.maxLength(200)]],
    firstMessage: ['', [Validators.required, Validators.maxLength(5000)]],
  });
  protected readonly submission = formSubmission(this.form);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;
  protected readonly statusKey = conversationStatusKey;
  protected readonly badge = (status: ConversationStatus) => conversationBadge(status, 'customer');
  /** One key per attempt: a retried submit opens one conversation. */
  private idempotencyKey = newClientMsgId();

  protected when(c: Conversation): string {
    return formatWhen(c.lastMessageAt, this.i18n.intlLocale());
  }

  protected submit(): void {
    if (!this.submission.start()) return;
    const { subject, firstMessage } = this.form.getRawValue();
    this.api.open({ subject: subject.trim(), firstMessage: firstMessage.trim(), reservationId: null }, this.idempotencyKey).subscribe({
      next: (conversation) => {
        this.idempotencyKey = newClientMsgId();
        void this.router.navigate(['/support/chat', conversation.id]);
      },
      error: (error: unknown) => this.submission.failed(error),
    });
  }
}
