import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';

import type { ContactRequest } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { SupportService } from '../../core/api/support.service';
import { pagedLoadState } from '../../core/data/load-state';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { FormAlert } from '../../shared/form-alert';
import { LoadMore } from '../../shared/load-more';
import { LoadStatus } from '../../shared/load-status';
import { FormMessage, formProblemMessage } from '../../shared/problem-message';
import { formatWhen } from '../support/conversation-status';
import { ConsoleNav } from './console-nav';

type Filter = 'unhandled' | 'handled';

/** The contact form's requests, newest first: to handle (default) or handled (`?status=handled`). */
@Component({
  selector: 'app-contact-requests',
  imports: [RouterLink, TranslatePipe, LoadStatus, LoadMore, FormAlert, ConsoleNav],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .filters { display: flex; gap: 0.5rem; flex-wrap: wrap; margin: 1rem 0; }
    .requests { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.75rem; }
    .request h2 { font-size: 1.05rem; margin: 0 0 0.25rem; }
    .request__body { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.75rem 0; }
    .request__foot { display: flex; justify-content: space-between; gap: 1rem; align-items: center; flex-wrap: wrap; }
  `,
  template: `
    <div class="container page">
      <header class="page-header">
        <p class="eyebrow">{{ 'console.eyebrow' | t }}</p>
        <h1>{{ 'console.contact.heading' | t }}</h1>
      </header>
      <app-console-nav />
      <nav class="filters" [attr.aria-label]="'console.contact.filter' | t">
        <a routerLink="/console/contact-requests" [queryParams]="{ status: null }" class="btn btn--small"
          [class.btn--primary]="filter() === 'unhandled'" [class.btn--secondary]="filter() !== 'unhandled'"
          [attr.aria-current]="filter() === 'unhandled' ? 'page' : null">{{ 'console.contact.unhandled' | t }}</a>
        <a routerLink="/console/contact-requests" [queryParams]="{ status: 'handled' }" class="btn btn--small"
          [class.btn--primary]="filter() === 'handled'" [class.btn--secondary]="filter() !== 'handled'"
          [attr.aria-current]="filter() === 'handled' ? 'page' : null">{{ 'console.contact.handled' | t }}</a>
      </nav>
      <app-form-alert [message]="error()" />
      <app-load-status [state]="list.state()" (retry)="list.retry()" />
      @switch (list.state().status) {
        @case ('empty') {
          <div class="card empty-state"><p>{{ (filter() === 'handled' ? 'console.contact.noneHandled' : 'console.contact.none') | t }}</p></div>
        }
        @case ('data') {
          @if (list.value(); as page) {
            <ul class="requests">
              @for (r of page.items; track r.id) {
                <li class="card request">
                  <h2>{{ r.subject }}</h2>
                  <p class="muted small">
                    {{ 'console.contact.from' | t: { name: r.name, email: r.email } }} · {{ when(r.createdAt) }}
                    @if (r.reservationReference) {
                      · {{ 'console.contact.reference' | t: { reference: r.reservationReference } }}
                    }
                  </p>
                  <p class="request__body">{{ r.message }}</p>
                  <div class="request__foot">
                    <a class="btn btn--secondary btn--small" [href]="'mailto:' + r.email + '?subject=' + encode(r.subject)">{{ 'console.contact.reply' | t }}</a>
                    @if (handledIds().has(r.id) || r.handledAt) {
                      <span class="status-badge status-badge--off">{{ 'console.contact.done' | t }}</span>
                    } @else {
                      <button type="button" class="btn btn--primary btn--small" (click)="handle(r)" [disabled]="busy() === r.id">{{ 'console.contact.markHandled' | t }}</button>
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
export class ContactRequests {
  private readonly i18n = inject(I18n);
  private readonly api = inject(SupportService);
  private readonly query = toSignal(inject(ActivatedRoute).queryParams, { requireSync: true });

  protected readonly filter = computed<Filter>(() => (this.query()['status'] === 'handled' ? 'handled' : 'unhandled'));
  protected readonly list = pagedLoadState({ params: () => this.filter(), loadPage: (status, cursor) => this.api.contactRequests(status, cursor) });
  protected readonly handledIds = signal<ReadonlySet<string>>(new Set());
  protected readonly busy = signal<string | null>(null);
  protected readonly error = signal<FormMessage | null>(null);

  protected when(iso: string): string {
    return formatWhen(iso, this.i18n.intlLocale());
  }

  protected encode(text: string): string {
    return encodeURIComponent(text);
  }

  protected handle(r: ContactRequest): void {
    this.busy.set(r.id);
    this.error.set(null);
    this.api.markHandled(r.id).subscribe({
      next: () => {
        this.busy.set(null);
        this.handledIds.update((ids) => new Set([...ids, r.id]));
      },
      error: (error: unknown) => {
        this.busy.set(null);
        this.error.set(formProblemMessage(toProblem(error)));
      },
    });
  }
}
