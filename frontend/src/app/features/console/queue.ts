import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { defer } from 'rxjs';
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
import { ChatSocket } from '../support/chat-socket';
import { conversationBadge, conversationStatusKey, formatWhen } from '../support/conversation-status';
import { ConsoleNav } from './console-nav';
import { liveQueue } from './live-queue';

const STATUSES: readonly ConversationStatus[] = ['open', 'assigned', 'closed'];

/**
 * Support's queue: conversations by status (`?status=`, the last updated first), claimed from
 * here, and live: the support socket reports each conversation opened, claimed or closed, which
 * the list takes in without a reload (and announces a new one to screen readers).
 */
@Component({
  selector: 'app-queue',
  imports: [RouterLink, TranslatePipe, LoadStatus, LoadMore, FormAlert, ConsoleNav],
  providers: [ChatSocket],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .filters { display: flex; gap: 0.5rem; flex-wrap: wrap; margin: 1rem 0; }
    .queue { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.75rem; }
    .queue__item { display: flex; justify-content: space-between; gap: 1rem; align-items: center; flex-wrap: wrap; }
    .queue__item h2 { font-size: 1.05rem; margin: 0 0 0.25rem; }
    .queue__actions { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
    .page-header__row { display: flex; justify-content: space-between; gap: 1rem; align-items: center; flex-wrap: wrap; }
    .page-header__tools { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
    .live { display: inline-flex; align-items: center; gap: 0.4rem; }
    .live::before { content: ''; width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--success); }
    .live--paused::before { background: var(--warning); }
  `,
  template: `
    <div class="container page">
      <header class="page-header">
        <p class="eyebrow">{{ 'console.eyebrow' | t }}</p>
        <div class="page-header__row">
          <h1>{{ 'console.queue.heading' | t }}</h1>
          <div class="page-header__tools">
            @if (socket.state() === 'open') {
              <span class="live small">{{ 'console.queue.live' | t }}</span>
            } @else {
              <span class="live live--paused small">{{ 'console.queue.paused' | t }}</span>
            }
            <button type="button" class="btn btn--secondary btn--small" (click)="list.retry()">{{ 'console.refresh' | t }}</button>
          </div>
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

      <p class="visually-hidden" role="status">{{ announcement() }}</p>
      <app-form-alert [message]="claimError()" />
      <app-load-status [state]="list.state()" (retry)="list.retry()" />
      @if (listed()) {
        @if (items().length === 0) {
          <div class="card empty-state"><p>{{ 'console.queue.none' | t }}</p></div>
        } @else {
          <ul class="queue">
            @for (c of items(); track c.id) {
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
        }
        @if (list.value()) {
          <app-load-more [list]="list" label="console.more" />
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
  protected readonly socket = inject(ChatSocket);
  /** The `conversation.updated` frames since the first page was asked for, by conversation. */
  private readonly changes = signal<ReadonlyMap<string, Conversation>>(new Map());
  protected readonly list = pagedLoadState({
    params: () => this.status(),
    // A first page is asked for after the changes before it: they are in its answer.
    loadPage: (status, cursor) =>
      defer(() => {
        if (cursor === null) this.changes.set(new Map());
        return this.api.conversations(status, cursor);
      }),
  });
  protected readonly items = computed(() => liveQueue(this.list.value()?.items ?? [], this.changes(), this.status()));
  /** The list is known (its first page came, possibly empty): live changes can add to it. */
  protected readonly listed = computed(() => ['data', 'empty'].includes(this.list.state().status));
  protected readonly announcement = signal('');
  protected readonly me = computed(() => this.auth.user()?.id ?? null);
  protected readonly claiming = signal<string | null>(null);
  protected readonly claimError = signal<FormMessage | null>(null);
  protected readonly statusKey = conversationStatusKey;
  protected readonly badge = (status: ConversationStatus) => conversationBadge(status, 'staff');

  constructor() {
    const frames = this.socket.frames.subscribe((frame) => {
      if (frame.type === 'conversation.updated') this.changed(frame.conversation);
    });
    inject(DestroyRef).onDestroy(() => frames.unsubscribe());
    this.socket.listen();
  }

  private changed(conversation: Conversation): void {
    const known = this.changes().has(conversation.id) || this.list.value()?.items.some((c) => c.id === conversation.id);
    this.changes.update((changes) => {
      const next = new Map(changes);
      next.delete(conversation.id); // re-inserted last: the latest change goes on top
      return next.set(conversation.id, conversation);
    });
    if (!known && conversation.status === 'open') {
      this.announcement.set(this.i18n.t('console.queue.arrived', { subject: conversation.subject }));
    }
  }

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
