import { ChangeDetectionStrategy, Component, ElementRef, Injector, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';

import { AgentService } from '../../core/api/agent.service';
import type { Vehicle, VehiclePatch } from '../../core/api/models';
import { type ApiProblem, toProblem } from '../../core/api/problem';
import { ReservationService } from '../../core/api/reservations.service';
import { loadState, pagedLoadState } from '../../core/data/load-state';
import { TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { FormAlert } from '../../shared/form-alert';
import { formSubmission } from '../../shared/form-submission';
import { describedBy, focusAfterRender, showsError } from '../../shared/forms';
import { LoadMore } from '../../shared/load-more';
import { LoadStatus } from '../../shared/load-status';
import { Message, message, problemMessage } from '../../shared/problem-message';
import { AgentNav } from './agent-nav';
import { ownAgency } from './own-agency';

const REFERENCE = /\b[A-Z0-9]{3}-[A-Z0-9]{6}\b/g;

/** The reservation references a 409 `vehicle_has_reservations` names (in its `detail`). */
export function blockingReferences(problem: ApiProblem): string[] {
  if (problem.code !== 'vehicle_has_reservations') return [];
  return [...new Set(problem.detail.match(REFERENCE) ?? [])];
}

/** A refused fleet action: its message and the reservations in the way. */
interface ActionError {
  readonly plate: string;
  readonly message: Message;
  readonly references: readonly string[];
}

/**
 * The agent's fleet: their agency's vehicles (active and inactive, by plate), the form that adds
 * one or edits the chosen one, and deactivation (the API keeps the vehicle for history; a 409
 * names the reservations that cannot move to another car).
 */
@Component({
  selector: 'app-fleet',
  imports: [ReactiveFormsModule, TranslatePipe, LoadStatus, LoadMore, FieldError, FormAlert, AgentNav],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .fleet { display: grid; grid-template-columns: minmax(0, 1fr) 20rem; gap: 1.5rem; align-items: start; }
    /* positioned: the visually hidden texts (position: absolute) stay inside the scroller, not past the page's edge */
    .fleet__scroll { overflow-x: auto; position: relative; }
    .fleet__table { width: 100%; border-collapse: collapse; }
    .fleet__table caption { text-align: left; font-weight: 600; margin-bottom: 0.5rem; }
    .fleet__table th, .fleet__table td { text-align: left; padding: 0.5rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
    .fleet__actions { display: flex; flex-wrap: wrap; gap: 0.4rem; }
    .fleet__form h2 { font-size: 1.1rem; margin: 0 0 0.75rem; }
    .fleet__buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .is-inactive { color: var(--ink-muted); }
    @media (max-width: 900px) { .fleet { grid-template-columns: minmax(0, 1fr); } }
  `,
  template: `
    <div class="container page">
      <header class="page-header">
        <p class="eyebrow">{{ 'agent.eyebrow' | t }}</p>
        <h1>{{ 'agent.fleet.heading' | t: { agency: agency.value()?.name ?? '' } }}</h1>
      </header>
      <app-agent-nav />

      @if (!agencyId()) {
        <div class="alert alert--error" role="alert"><p>{{ 'agent.noAgency' | t }}</p></div>
      } @else {
        <p class="visually-hidden" role="status" aria-live="polite">{{ announcement() ? (announcement()!.key | t: announcement()!.params) : '' }}</p>
        @if (announcement(); as a) {
          <div class="alert alert--success" aria-hidden="true"><p>{{ a.key | t: a.params }}</p></div>
        }
        <div aria-live="assertive" aria-atomic="true">
          @if (actionError(); as e) {
            <div class="alert alert--error fleet__error" role="alert">
              <p>{{ e.plate }} · {{ e.message.key | t: e.message.params }}</p>
              @if (e.references.length) {
                <p>{{ 'agent.fleet.blockedBy' | t: { references: e.references.join(', ') } }}</p>
              }
            </div>
          }
        </div>

        <div class="fleet">
          <section>
            <app-load-status [state]="vehicles.state()" (retry)="vehicles.retry()" />
            @switch (vehicles.state().status) {
              @case ('empty') {
                <div class="card empty-state"><p>{{ 'agent.fleet.none' | t }}</p></div>
              }
              @case ('data') {
                @if (vehicles.value(); as page) {
                  <div class="fleet__scroll">
                  <table class="fleet__table">
                    <caption>{{ 'agent.fleet.caption' | t }}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{{ 'agent.fleet.plate' | t }}</th>
                        <th scope="col">{{ 'agent.fleet.model' | t }}</th>
                        <th scope="col">{{ 'agent.fleet.category' | t }}</th>
                        <th scope="col">{{ 'agent.fleet.status' | t }}</th>
                        <th scope="col">{{ 'agent.fleet.actions' | t }}</th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (item of page.items; track item.id) {
                        @let v = current(item);
                        <tr [attr.data-plate]="v.plate" [class.is-inactive]="!v.active">
                          <th scope="row">{{ v.plate }}</th>
                          <td>{{ v.model }}</td>
                          <td>{{ v.category }}</td>
                          <td>{{ (v.active ? 'agent.fleet.active' : 'agent.fleet.inactive') | t }}</td>
                          <td>
                            <div class="fleet__actions">
                              <button type="button" class="btn btn--small btn--secondary" (click)="edit(v)" [disabled]="busy() === v.id">
                                {{ 'agent.fleet.edit' | t }}<span class="visually-hidden"> · {{ v.plate }}</span>
                              </button>
                              @if (v.active) {
                                <button type="button" class="btn btn--small btn--secondary" (click)="deactivate(v)" [disabled]="busy() === v.id">
                                  {{ 'agent.fleet.deactivate' | t }}<span class="visually-hidden"> · {{ v.plate }}</span>
                                </button>
                              } @else {
                                <button type="button" class="btn btn--small btn--secondary" (click)="reactivate(v)" [disabled]="busy() === v.id">
                                  {{ 'agent.fleet.reactivate' | t }}<span class="visually-hidden"> · {{ v.plate }}</span>
                                </button>
                              }
                            </div>
                          </td>
                        </tr>
                      }
                    </tbody>
                  </table>
                  </div>
                  <app-load-more [list]="vehicles" label="agent.fleet.more" />
                }
              }
            }
          </section>

          <section class="card fleet__form" aria-labelledby="vehicle-form-heading">
            <h2 id="vehicle-form-heading">
              @if (editing(); as v) {
                {{ 'agent.fleet.editHeading' | t: { plate: v.plate } }}
              } @else {
                {{ 'agent.fleet.addHeading' | t }}
              }
            </h2>
            <app-form-alert [message]="submission.error()" alertId="vehicle-error" />
            <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
              <div class="field">
                <label for="vehicle-category">{{ 'agent.fleet.category' | t }}</label>
                <select id="vehicle-category" formControlName="category"
                  [attr.aria-invalid]="showsError(form.controls.category)" [attr.aria-describedby]="describedBy(form.controls.category, 'vehicle-category-error')">
                  <option value="">{{ 'forms.choose' | t }}</option>
                  @for (c of categoryOptions(); track c.code) {
                    <option [value]="c.code">{{ c.code }}{{ c.description ? ' · ' + c.description : '' }}</option>
                  }
                </select>
                <app-field-error [control]="form.controls.category" field="category" id="vehicle-category-error" />
              </div>
              <div class="field">
                <label for="vehicle-plate">{{ 'agent.fleet.plate' | t }}</label>
                <input id="vehicle-plate" type="text" formControlName="plate" autocomplete="off"
                  [attr.aria-invalid]="showsError(form.controls.plate)" [attr.aria-describedby]="describedBy(form.controls.plate, 'vehicle-plate-error')" />
                <app-field-error [control]="form.controls.plate" field="plate" id="vehicle-plate-error" />
              </div>
              <div class="field">
                <label for="vehicle-model">{{ 'agent.fleet.model' | t }}</label>
                <input id="vehicle-model" type="text" formControlName="model" autocomplete="off"
                  [attr.aria-invalid]="showsError(form.controls.model)" [attr.aria-describedby]="describedBy(form.controls.model, 'vehicle-model-error')" />
                <app-field-error [control]="form.controls.model" field="model" id="vehicle-model-error" />
              </div>
              <div class="field field--checkbox">
                <input id="vehicle-active" type="checkbox" formControlName="active" />
                <label for="vehicle-active">{{ 'agent.fleet.activeField' | t }}</label>
              </div>
              <div class="fleet__buttons">
                <button type="submit" class="btn btn--primary" [disabled]="submission.submitting()" [attr.aria-busy]="submission.submitting()">
                  @if (editing()) {
                    {{ (submission.submitting() ? 'actions.saving' : 'actions.save') | t }}
                  } @else {
                    {{ (submission.submitting() ? 'agent.fleet.adding' : 'agent.fleet.add') | t }}
                  }
                </button>
                @if (editing()) {
                  <button type="button" class="btn btn--secondary" (click)="cancelEdit()">{{ 'actions.cancel' | t }}</button>
                }
              </div>
            </form>
          </section>
        </div>
      }
    </div>
  `,
})
export class Fleet {
  private readonly api = inject(AgentService);
  private readonly catalog = inject(ReservationService);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  private readonly own = ownAgency();
  protected readonly agencyId = this.own.id;
  protected readonly agency = this.own.agency;
  protected readonly vehicles = pagedLoadState({
    params: () => this.agencyId(),
    loadPage: (id, cursor) => this.api.vehicles(id, cursor),
  });
  private readonly categories = loadState({ params: () => true, load: () => this.catalog.categories() });

  protected readonly form = inject(NonNullableFormBuilder).group({
    category: ['', Validators.required],
    plate: ['', [Validators.required, Validators.maxLength(20)]],
    model: ['', [Validators.required, Validators.maxLength(100)]],
    active: [true],
  });
  protected readonly submission = formSubmission(this.form);

  /** The vehicle the form edits; `null` when it adds one. */
  protected readonly editing = signal<Vehicle | null>(null);
  /** Vehicles as the last action left them (the list is not reloaded after each one). */
  private readonly updated = signal<Readonly<Record<string, Vehicle>>>({});
  protected readonly busy = signal<string | null>(null);
  protected readonly announcement = signal<Message | null>(null);
  protected readonly actionError = signal<ActionError | null>(null);

  /** The known categories, and the edited vehicle's own if the list lacks it. */
  protected readonly categoryOptions = computed(() => {
    const known: { code: string; description: string }[] = (this.categories.value()?.items ?? []).map((c) => ({ code: c.code, description: c.description }));
    const own = this.editing()?.category;
    return own && !known.some((c) => c.code === own) ? [{ code: own, description: '' }, ...known] : known;
  });

  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected current(v: Vehicle): Vehicle {
    return this.updated()[v.id] ?? v;
  }

  protected edit(v: Vehicle): void {
    this.announcement.set(null);
    this.submission.clear();
    this.editing.set(v);
    this.form.reset({ category: v.category, plate: v.plate, model: v.model, active: v.active });
    focusAfterRender(this.injector, this.host.nativeElement, '#vehicle-category');
  }

  protected cancelEdit(): void {
    this.editing.set(null);
    this.submission.clear();
    this.form.reset();
  }

  protected submit(): void {
    this.announcement.set(null);
    if (!this.submission.start()) return;
    const agencyId = this.agencyId();
    if (!agencyId) return;
    const { category, plate, model, active } = this.form.getRawValue();
    const editing = this.editing();
    if (editing) {
      const patch: VehiclePatch = {};
      if (category !== editing.category) patch.category = category;
      if (plate.trim() !== editing.plate) patch.plate = plate.trim();
      if (model.trim() !== editing.model) patch.model = model.trim();
      if (active !== editing.active) patch.active = active;
      this.api.updateVehicle(editing.id, patch).subscribe({
        next: (after) => {
          this.submission.succeeded();
          this.updated.update((all) => ({ ...all, [after.id]: after }));
          this.editing.set(null);
          this.form.reset();
          this.announcement.set(message('agent.fleet.saved', { plate: after.plate }));
        },
        error: (error: unknown) => this.submission.failed(error),
      });
    } else {
      this.api.addVehicle(agencyId, { category, plate: plate.trim(), model: model.trim(), active }).subscribe({
        next: (added) => {
          this.submission.succeeded();
          this.form.reset();
          this.updated.set({});
          this.vehicles.retry();
          this.announcement.set(message('agent.fleet.added', { plate: added.plate }));
        },
        error: (error: unknown) => this.submission.failed(error),
      });
    }
  }

  protected deactivate(v: Vehicle): void {
    this.start(v);
    this.api.deactivateVehicle(v.id).subscribe({
      next: () => this.done({ ...v, active: false }, 'agent.fleet.deactivated'),
      error: (error: unknown) => this.refused(v, error),
    });
  }

  protected reactivate(v: Vehicle): void {
    this.start(v);
    this.api.updateVehicle(v.id, { active: true }).subscribe({
      next: (after) => this.done(after, 'agent.fleet.reactivated'),
      error: (error: unknown) => this.refused(v, error),
    });
  }

  private start(v: Vehicle): void {
    this.busy.set(v.id);
    this.announcement.set(null);
    this.actionError.set(null);
  }

  private done(after: Vehicle, key: 'agent.fleet.deactivated' | 'agent.fleet.reactivated'): void {
    this.busy.set(null);
    this.updated.update((all) => ({ ...all, [after.id]: after }));
    if (this.editing()?.id === after.id) this.edit(after);
    this.announcement.set(message(key, { plate: after.plate }));
  }

  private refused(v: Vehicle, error: unknown): void {
    this.busy.set(null);
    const problem = toProblem(error);
    this.actionError.set({ plate: v.plate, message: problemMessage(problem), references: blockingReferences(problem) });
  }
}
