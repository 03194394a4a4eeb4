import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';

import type { Conversation, ConversationStatus } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { SupportService } from '../../core/api/support.service';
import { AuthService } from '../../core/auth/auth.service';
import { pagedLoadState } from '../../core/data/load-state';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { FormAlert } from '../../shared/form-alert';
import { LoadMore } from '../../shared/load-more';
import { LoadStatus } from '../../shared/load-status';
import { FormMessage, formProblemMessage } from '../../shared/problem-message';
import { conversationBadge, conversationStatusKey, formatWhen } from '../support/conversation-status';
import { ConsoleNav } from './console-nav';

const STATUSES: readonly ConversationStatus[] = ['open', 'assigned', 'closed'];

/** Support's queue: conversations by status (`?status=`, waiting ones first), claimed from here. */
@Component({
  selector: 'app-queue',
  imports: [RouterLink, TranslatePipe, LoadStatus, LoadMore, FormAlert, ConsoleNav],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .filters { display: flex; gap: 0.5rem; flex-wrap: wrap; margin: 1rem 0; }
    .queue { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.75rem; }
    .queue__item { display: flex; justify-content: space-between; gap: 1rem; align-items: center; flex-wrap: wrap; }
    .queue__item h2 { font-size: 1.05rem; margin: 0 0 0.25rem; }
    .queue__actions { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
    .page-header__row { display: flex; justify-content: space-between; gap: 1rem; align-items: center; flex-wrap: wrap; }
  `,
  template: `
    <div class="container page">
      <header class="page-header">
        <p class="eyebrow">{{ 'console.eyebrow' | t }}</p>
        <div class="page-header__row">
          <h1>{{ 'console.queue.heading' | t }}</h1>
          <button type="button" class="btn btn--secondary btn--small" (click)="list.retry()">{{ 'console.refresh' | t }}</button>
        </div>
      </header>
      <app-console-nav />

      <nav class="filters" [attr.aria-label]="'console.queue.filter' | t">
        @for (s of statuses; track s) {
          <a routerLink="/console" [queryParams]="{ status: s === 'open' ? null : s }" class="btn btn--small"
            [class.btn--primary]="status() === s" [class.btn--secondary]="status() !== s"
            [attr.aria-current]="status() === s ? 'page' : null">{{ filterKey(s) | t }}</a>
        }
      </nav>

      <app-form-alert [message]="claimError()" />
      <app-load-status [state]="list.state()" (retry)="list.retry()" />
      @switch (list.state().status) {
        @case ('empty') {
          <div class="card empty-state"><p>{{ 'console.queue.none' | t }}</p></div>
        }
        @case ('data') {
          @if (list.value(); as page) {
            <ul class="queue">
              @for (c of page.items; track c.id) {
                <li class="card queue__item">
                  <div>
                    <h2><a [routerLink]="['/console/conversations', c.id]">{{ c.subject }}</a></h2>
                    <p class="muted small">{{ 'console.queue.opened' | t: { when: when(c.createdAt) } }} · {{ 'console.queue.last' | t: { when: when(c.lastMessageAt) } }}</p>
                  </div>
                  <div class="queue__actions">
                    <span [class]="badge(c.status)">{{ statusKey(c.status) | t }}</span>
                    @if (c.status === 'assigned') {
                      <span class="small">{{ (c.assigneeId === me() ? 'console.queue.mine' : 'console.queue.colleague') | t }}</span>
                    }
                    @if (c.status === 'open') {
                      <button type="button" class="btn btn--accent btn--small" (click)="claim(c)" [disabled]="claiming() === c.id">{{ 'console.claim' | t }}</button>
                    }
                  </div>
                </li>
              }
            </ul>
            <app-load-more [list]="list" label="console.more" />
          }
        }
      }
    </div>
  `,
})
export class Queue {
  private readonly i18n = inject(I18n);
  private readonly api = inject(SupportService);
  private readonly router = inject(Router);
  private readonly auth = inject(AuthService);
  private readonly query = toSignal(inject(ActivatedRoute).queryParams, { requireSync: true });

  protected readonly statuses = STATUSES;
  protected readonly status = computed<ConversationStatus>(() => {
    const value = this.query()['status'];
    return STATUSES.includes(value) ? value : 'open';
  });
  protected readonly list = pagedLoadState({ params: () => this.status(), loadPage: (status, cursor) => this.api.conversations(status, cursor) });
  protected readonly me = computed(() => this.auth.user()?.id ?? null);
  protected readonly claiming = signal<string | null>(null);
  protected readonly claimError = signal<FormMessage | null>(null);
  protected readonly statusKey = conversationStatusKey;
  protected readonly badge = (status: ConversationStatus) => conversationBadge(status, 'staff');

  protected filterKey(s: ConversationStatus) {
    return `console.queue.filters.${s}` as const;
  }

  protected when(iso: string): string {
    return formatWhen(iso, this.i18n.intlLocale());
  }

  protected claim(c: Conversation): void {
    this.claiming.set(c.id);
    this.claimError.set(null);
    this.api.claim(c.id).subscribe({
      next: () => void this.router.navigate(['/console/conversations', c.id]),
      error: (error: unknown) => {
        this.claiming.set(null);
        this.claimError.set(formProblemMessage(toProblem(error)));
        this.list.retry();
      },
    });
  }
}
