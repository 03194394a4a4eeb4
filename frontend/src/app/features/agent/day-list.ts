import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { ActivatedRoute, Router } from '@angular/router';

import { AgentService, CounterAction } from '../../core/api/agent.service';
import type { DayEntry, Reservation } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { loadState } from '../../core/data/load-state';
import { formatLocalClock, formatLocalDate, offsetLabel } from '../../core/format/local-time';
import { I18n, TranslatePipe, type TranslationKey } from '../../core/i18n/i18n';
import { DateField } from '../../shared/date-field';
import { LoadStatus } from '../../shared/load-status';
import { Message, message, problemMessage } from '../../shared/problem-message';
import { statusKey, statusTone } from '../reservations/status';
import { addDays } from '../search/criteria';
import { AgentNav } from './agent-nav';
import { ownAgency } from './own-agency';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Which counter actions an entry offers; the API decides (409 `invalid_transition` shows its message). */
export function actionsFor(entry: DayEntry, status: Reservation['status']): CounterAction[] {
  if (entry.event === 'pickup') return status === 'confirmed' ? ['pickup', 'no-show'] : [];
  return status === 'picked_up' ? ['return'] : [];
}

/**
 * The agent's desk: their agency's pickups and returns of one agency-local day (`?date=`; the
 * agency's today by default, as the API answers it), times in the agency's clock from the
 * offsets the API sends, and the counter's actions (hand over, take back, no-show).
 */
@Component({
  selector: 'app-day-list',
  imports: [ReactiveFormsModule, TranslatePipe, LoadStatus, DateField, AgentNav],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .day-bar { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; margin-bottom: 1.25rem; }
    .day-bar .field { margin: 0; min-width: 14rem; }
    .day-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.75rem; }
    .entry { display: grid; grid-template-columns: 5.5rem minmax(0, 1fr) auto; gap: 1rem; align-items: center; }
    .entry__time { font-size: 1.35rem; font-weight: 700; margin: 0; }
    .entry__time small { display: block; font-size: 0.8rem; font-weight: 500; color: var(--ink-muted); }
    .entry h2 { font-size: 1.05rem; margin: 0 0 0.2rem; }
    .entry p { margin: 0.1rem 0; }
    .entry__actions { display: flex; flex-direction: column; gap: 0.4rem; align-items: stretch; }
    .entry__error { grid-column: 1 / -1; }
    .event { font-weight: 700; text-transform: uppercase; font-size: 0.78rem; letter-spacing: 0.04em; }
    .event--pickup { color: var(--blue-700); }
    .event--return { color: var(--success); }
    @media (max-width: 640px) { .entry { grid-template-columns: 1fr; } .entry__actions { flex-direction: row; flex-wrap: wrap; } }
  `,
  template: `
    <div class="container page">
      <header class="page-header">
        <p class="eyebrow">{{ 'agent.eyebrow' | t }}</p>
        <h1>{{ 'agent.day.heading' | t: { agency: agency.value()?.name ?? '' } }}</h1>
        @if (shownDate(); as date) {
          <p class="lead">{{ longDate(date) }}</p>
        }
      </header>
      <app-agent-nav />

      @if (!agencyId()) {
        <div class="alert alert--error" role="alert"><p>{{ 'agent.noAgency' | t }}</p></div>
      } @else {
        <div class="day-bar">
          <div class="field">
            <span id="day-date-label" class="label">{{ 'agent.day.date' | t }}</span>
            <app-date-field fieldId="day-date" labelId="day-date-label" [formControl]="dateControl" />
          </div>
          <button type="button" class="btn btn--secondary" (click)="move(-1)" [disabled]="!shownDate()">{{ 'agent.day.previous' | t }}</button>
          <button type="button" class="btn btn--secondary" (click)="today()">{{ 'agent.day.today' | t }}</button>
          <button type="button" class="btn btn--secondary" (click)="move(1)" [disabled]="!shownDate()">{{ 'agent.day.next' | t }}</button>
        </div>

        <p class="visually-hidden" role="status" aria-live="polite">{{ announcement() ? (announcement()!.key | t: announcement()!.params) : '' }}</p>
        @if (announcement(); as a) {
          <div class="alert alert--success" aria-hidden="true"><p>{{ a.key | t: a.params }}</p></div>
        }

        <app-load-status [state]="day.state()" (retry)="day.retry()" />
        @switch (day.state().status) {
          @case ('data') {
            @if (day.value(); as page) {
              @if (page.items.length === 0) {
                <div class="card empty-state"><p>{{ 'agent.day.none' | t }}</p></div>
              } @else {
                <ul class="day-list">
                  @for (entry of page.items; track entry.reservation.id + entry.event) {
                    @let r = current(entry.reservation);
                    <li class="card entry" [attr.data-reference]="r.reference">
                      <p class="entry__time">{{ clock(entry.at) }}<small>{{ offset(entry.at) }}</small></p>
                      <div>
                        <p class="event" [class]="'event event--' + entry.event">{{ eventKey(entry) | t }}</p>
                        <h2>{{ r.driver.firstName }} {{ r.driver.lastName }} · {{ r.reference }}</h2>
                        <p>{{ r.category.description }} ({{ r.category.code }})</p>
                        <p class="small muted">
                          @if (entry.event === 'pickup') {
                            {{ 'agent.day.returnTo' | t: { agency: r.returnAgency.name, when: shortWhen(r.returnAt) } }}
                          } @else {
                            {{ 'agent.day.pickedAt' | t: { agency: r.pickupAgency.name, when: shortWhen(r.pickupAt) } }}
                          }
                        </p>
                        <span class="status-badge" [class]="'status-badge status-badge--' + tone(r.status)">{{ status(r.status) | t }}</span>
                      </div>
                      <div class="entry__actions">
                        @for (action of actions(entry, r); track action) {
                          <button type="button" class="btn btn--small" [class.btn--primary]="action !== 'no-show'" [class.btn--secondary]="action === 'no-show'"
                            (click)="act(r, action)" [disabled]="busy() === r.id">{{ actionKey(action) | t }}<span class="visually-hidden"> · {{ r.reference }}</span></button>
                        }
                      </div>
                      @if (errors()[r.id]; as m) {
                        <div class="alert alert--error entry__error" role="alert"><p>{{ m.key | t: m.params }}</p></div>
                      }
                    </li>
                  }
                </ul>
              }
            }
          }
        }
      }
    </div>
  `,
})
export class DayList {
  private readonly i18n = inject(I18n);
  private readonly api = inject(AgentService);
  private readonly router = inject(Router);
  private readonly query = toSignal(inject(ActivatedRoute).queryParams, { requireSync: true });

  private readonly own = ownAgency();
  protected readonly agencyId = this.own.id;
  protected readonly requestedDate = computed(() => {
    const value = this.query()['date'];
    return typeof value === 'string' && ISO_DATE.test(value) ? value : null;
  });
  protected readonly agency = this.own.agency;
  protected readonly day = loadState({
    params: () => {
      const agencyId = this.agencyId();
      return agencyId ? { agencyId, date: this.requestedDate() } : null;
    },
    load: ({ agencyId, date }) => this.api.day(agencyId, date),
  });
  /** The day shown: the one asked for, else the agency's today as the API answered it. */
  protected readonly shownDate = computed(() => this.requestedDate() ?? this.day.value()?.date ?? null);
  protected readonly dateControl = new FormControl('', { nonNullable: true });

  /** Reservations as the last action left them (the list is not reloaded after each one). */
  private readonly updated = signal<Readonly<Record<string, Reservation>>>({});
  protected readonly errors = signal<Readonly<Record<string, Message>>>({});
  protected readonly busy = signal<string | null>(null);
  protected readonly announcement = signal<Message | null>(null);

  protected readonly status = statusKey;
  protected readonly tone = statusTone;

  constructor() {
    this.dateControl.valueChanges.subscribe((date) => {
      if (ISO_DATE.test(date) && date !== this.shownDate()) this.go(date);
    });
    // The picker shows the day listed (the API's today on the first visit).
    effect(() => {
      const date = this.shownDate();
      if (date && this.dateControl.value !== date) this.dateControl.setValue(date, { emitEvent: false });
    });
  }

  protected current(r: Reservation): Reservation {
    return this.updated()[r.id] ?? r;
  }

  protected actions(entry: DayEntry, r: Reservation): CounterAction[] {
    return actionsFor(entry, r.status);
  }

  protected clock(at: string): string {
    return formatLocalClock(at, this.i18n.intlLocale());
  }

  protected offset(at: string): string {
    return offsetLabel(at);
  }

  protected longDate(date: string): string {
    return formatLocalDate(`${date}T12:00`, this.i18n.intlLocale());
  }

  protected shortWhen(at: string): string {
    return `${formatLocalDate(at, this.i18n.intlLocale(), 'medium')}, ${formatLocalClock(at, this.i18n.intlLocale())}`;
  }

  protected eventKey(entry: DayEntry): TranslationKey {
    return entry.event === 'pickup' ? 'agent.day.pickup' : 'agent.day.return';
  }

  protected actionKey(action: CounterAction): TranslationKey {
    return action === 'pickup' ? 'agent.actions.pickup' : action === 'return' ? 'agent.actions.return' : 'agent.actions.noShow';
  }

  protected move(days: number): void {
    const date = this.shownDate();
    if (date) this.go(addDays(date, days));
  }

  protected today(): void {
    this.announcement.set(null);
    void this.router.navigate([], { queryParams: { date: null } });
  }

  protected act(r: Reservation, action: CounterAction): void {
    this.busy.set(r.id);
    this.announcement.set(null);
    this.errors.update(({ [r.id]: _dropped, ...others }) => others);
    this.api.act(r.id, action).subscribe({
      next: (after) => {
        this.busy.set(null);
        this.updated.update((all) => ({ ...all, [after.id]: after }));
        const key = action === 'pickup' ? 'agent.done.pickup' : action === 'return' ? 'agent.done.return' : 'agent.done.noShow';
        this.announcement.set(message(key, { reference: after.reference }));
      },
      error: (error: unknown) => {
        this.busy.set(null);
        this.errors.update((errors) => ({ ...errors, [r.id]: problemMessage(toProblem(error)) }));
      },
    });
  }

  private go(date: string): void {
    this.announcement.set(null);
    void this.router.navigate([], { queryParams: { date } });
  }
}
