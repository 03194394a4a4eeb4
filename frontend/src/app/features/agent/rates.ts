import { ChangeDetectionStrategy, Component, ElementRef, Injector, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormArray, FormControl, FormGroup, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';

import { AgentService } from '../../core/api/agent.service';
import type { Rate, RateInput } from '../../core/api/models';
import { type FieldProblem, toProblem } from '../../core/api/problem';
import { ReservationService } from '../../core/api/reservations.service';
import { loadState } from '../../core/data/load-state';
import { majorAmount, minorDigits } from '../../core/format/money';
import { TranslatePipe } from '../../core/i18n/i18n';
import { DateField } from '../../shared/date-field';
import { FieldError } from '../../shared/field-error';
import { FormAlert } from '../../shared/form-alert';
import { applyFieldErrors, describedBy, focusAfterRender, focusFirstInvalid, showsError } from '../../shared/forms';
import { LoadStatus } from '../../shared/load-status';
import { FormMessage, Message, formProblemMessage, message } from '../../shared/problem-message';
import { AgentNav } from './agent-nav';
import { ownAgency } from './own-agency';

const AMOUNT = /^\d+([.,]\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

type RateRow = FormGroup<{
  category: FormControl<string>;
  dailyRate: FormControl<string>;
  oneWayFee: FormControl<string>;
  validFrom: FormControl<string>;
  validTo: FormControl<string>;
}>;

/** An amount typed in major units (`49.90`, `49,90`) in minor units of `currency` (4990). */
export function toMinor(text: string, currency: string): number {
  return Math.round(Number(text.trim().replace(',', '.')) * 10 ** minorDigits(currency));
}

/** A minor-unit amount as the field shows it (`49.90`). */
export function toMajorText(amountMinor: number, currency: string): string {
  return majorAmount({ amountMinor, currency }).toFixed(minorDigits(currency));
}

/**
 * The control of an API field of the rate set: `items[2].dailyRate.amountMinor` → `items.2.dailyRate`
 * (a money's parts are the one amount field); `null` for anything else.
 */
export function rateControlPath(field: string): string | null {
  const match = /^items\[(\d+)\]\.(category|dailyRate|oneWayFee|validFrom|validTo)(\..*)?$/.exec(field);
  return match ? `items.${match[1]}.${match[2]}` : null;
}

/**
 * The agent's rates: the daily rate and one-way fee of each category of their agency, with their
 * validity periods, edited as one set (`PUT` replaces the whole set; the API checks overlaps and
 * categories, its field errors show at their cells).
 */
@Component({
  selector: 'app-rates',
  imports: [ReactiveFormsModule, TranslatePipe, LoadStatus, FieldError, FormAlert, AgentNav, DateField],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .rates__table { width: 100%; border-collapse: collapse; margin-bottom: 1rem; }
    .rates__table caption { text-align: left; font-weight: 600; margin-bottom: 0.5rem; }
    .rates__table th, .rates__table td { text-align: left; padding: 0.4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    .rates__table .field { margin: 0; }
    .rates__table input, .rates__table select { min-width: 7rem; }
    .rates__buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    /* positioned: the visually hidden labels (position: absolute) stay inside the scroller, not past the page's edge */
    .rates__scroll { overflow-x: auto; position: relative; }
  `,
  template: `
    <div class="container page">
      <header class="page-header">
        <p class="eyebrow">{{ 'agent.eyebrow' | t }}</p>
        <h1>{{ 'agent.rates.heading' | t: { agency: agency.value()?.name ?? '' } }}</h1>
        @if (currency(); as c) {
          <p class="lead">{{ 'agent.rates.lead' | t: { currency: c } }}</p>
        }
      </header>
      <app-agent-nav />

      @if (!agencyId()) {
        <div class="alert alert--error" role="alert"><p>{{ 'agent.noAgency' | t }}</p></div>
      } @else {
        <p class="visually-hidden" role="status" aria-live="polite">{{ announcement() ? (announcement()!.key | t: announcement()!.params) : '' }}</p>
        @if (announcement(); as a) {
          <div class="alert alert--success" aria-hidden="true"><p>{{ a.key | t: a.params }}</p></div>
        }
        <app-load-status [state]="rates.state()" (retry)="rates.retry()" />
        <app-load-status [state]="agency.state()" (retry)="agency.retry()" />
        @if (rates.state().status === 'data' && currency(); as c) {
          <app-form-alert [message]="formError()" alertId="rates-error" />
          <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
            @if (form.controls.items.length === 0) {
              <div class="card empty-state"><p>{{ 'agent.rates.none' | t }}</p></div>
            } @else {
              <div class="rates__scroll">
                <table class="rates__table" formArrayName="items">
                  <caption>{{ 'agent.rates.caption' | t }}</caption>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">{{ 'agent.rates.category' | t }}</th>
                      <th scope="col">{{ 'agent.rates.dailyRate' | t: { currency: c } }}</th>
                      <th scope="col">{{ 'agent.rates.oneWayFee' | t: { currency: c } }}</th>
                      <th scope="col">{{ 'agent.rates.validFrom' | t }}</th>
                      <th scope="col">{{ 'agent.rates.validTo' | t }}</th>
                      <th scope="col"><span class="visually-hidden">{{ 'agent.rates.remove' | t }}</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (row of form.controls.items.controls; track row; let i = $index) {
                      @let n = { n: i + 1 };
                      <tr [formGroupName]="i" class="rate-row">
                        <th scope="row">{{ i + 1 }}</th>
                        <td class="field">
                          <label class="visually-hidden" [for]="id(i, 'category')">{{ 'agent.rates.category' | t }} · {{ 'agent.rates.row' | t: n }}</label>
                          <select [id]="id(i, 'category')" formControlName="category"
                            [attr.aria-invalid]="showsError(row.controls.category)" [attr.aria-describedby]="describedBy(row.controls.category, id(i, 'category-error'))">
                            <option value="">{{ 'forms.choose' | t }}</option>
                            @for (code of categoryCodes(row.controls.category.value); track code) {
                              <option [value]="code">{{ code }}</option>
                            }
                          </select>
                          <app-field-error [control]="row.controls.category" field="category" [id]="id(i, 'category-error')" />
                        </td>
                        <td class="field">
                          <label class="visually-hidden" [for]="id(i, 'dailyRate')">{{ 'agent.rates.dailyRate' | t: { currency: c } }} · {{ 'agent.rates.row' | t: n }}</label>
                          <input [id]="id(i, 'dailyRate')" type="text" inputmode="decimal" formControlName="dailyRate" autocomplete="off"
                            [attr.aria-invalid]="showsError(row.controls.dailyRate)" [attr.aria-describedby]="describedBy(row.controls.dailyRate, id(i, 'dailyRate-error'))" />
                          <app-field-error [control]="row.controls.dailyRate" field="dailyRate" [id]="id(i, 'dailyRate-error')" />
                        </td>
                        <td class="field">
                          <label class="visually-hidden" [for]="id(i, 'oneWayFee')">{{ 'agent.rates.oneWayFee' | t: { currency: c } }} · {{ 'agent.rates.row' | t: n }}</label>
                          <input [id]="id(i, 'oneWayFee')" type="text" inputmode="decimal" formControlName="oneWayFee" autocomplete="off"
                            [attr.aria-invalid]="showsError(row.controls.oneWayFee)" [attr.aria-describedby]="describedBy(row.controls.oneWayFee, id(i, 'oneWayFee-error'))" />
                          <app-field-error [control]="row.controls.oneWayFee" field="oneWayFee" [id]="id(i, 'oneWayFee-error')" />
                        </td>
                        <td class="field">
                          <label class="visually-hidden" [id]="id(i, 'validFrom') + '-label'" [for]="id(i, 'validFrom')">{{ 'agent.rates.validFrom' | t }} · {{ 'agent.rates.row' | t: n }}</label>
                          <app-date-field [fieldId]="id(i, 'validFrom')" [labelId]="id(i, 'validFrom') + '-label'" formControlName="validFrom"
                            [invalid]="showsError(row.controls.validFrom)" [describedBy]="describedBy(row.controls.validFrom, id(i, 'validFrom-error'))" />
                          <app-field-error [control]="row.controls.validFrom" field="validFrom" [id]="id(i, 'validFrom-error')" />
                        </td>
                        <td class="field">
                          <label class="visually-hidden" [id]="id(i, 'validTo') + '-label'" [for]="id(i, 'validTo')">{{ 'agent.rates.validTo' | t }} · {{ 'agent.rates.row' | t: n }}</label>
                          <app-date-field [fieldId]="id(i, 'validTo')" [labelId]="id(i, 'validTo') + '-label'" formControlName="validTo"
                            [invalid]="showsError(row.controls.validTo)" [describedBy]="describedBy(row.controls.validTo, id(i, 'validTo-error'))" />
                          <app-field-error [control]="row.controls.validTo" field="validTo" [id]="id(i, 'validTo-error')" />
                        </td>
                        <td>
                          <button type="button" class="btn btn--small btn--secondary" (click)="remove(i)">
                            {{ 'agent.rates.remove' | t }}<span class="visually-hidden"> · {{ 'agent.rates.row' | t: n }}</span>
                          </button>
                        </td>
                      </tr>
                    }
                  </tbody>
                </table>
              </div>
            }
            <div class="rates__buttons">
              <button type="button" class="btn btn--secondary" (click)="add()">{{ 'agent.rates.add' | t }}</button>
              <button type="submit" class="btn btn--primary" [disabled]="submitting()" [attr.aria-busy]="submitting()">
                {{ (submitting() ? 'actions.saving' : 'agent.rates.save') | t }}
              </button>
            </div>
          </form>
        }
      }
    </div>
  `,
})
export class Rates {
  private readonly api = inject(AgentService);
  private readonly catalog = inject(ReservationService);
  private readonly fb = inject(NonNullableFormBuilder);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  private readonly own = ownAgency();
  protected readonly agencyId = this.own.id;
  protected readonly agency = this.own.agency;
  protected readonly rates = loadState({
    params: () => this.agencyId(),
    load: (id) => this.api.rates(id),
  });
  private readonly categories = loadState({ params: () => true, load: () => this.catalog.categories() });
  /** The agency's currency: every rate of the set is in it. */
  protected readonly currency = computed(() => this.agency.value()?.currency ?? null);

  protected readonly form = new FormGroup({ items: new FormArray<RateRow>([]) });
  protected readonly submitting = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  protected readonly announcement = signal<Message | null>(null);

  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  constructor() {
    // The form shows the set as loaded (once the currency is known, for the amounts).
    effect(() => {
      const set = this.rates.value();
      const currency = this.currency();
      if (set && currency) untracked(() => this.fill(set.items, currency));
    });
  }

  protected id(i: number, name: string): string {
    return `rate-${i}-${name}`;
  }

  /** The known category codes, with the row's own if the catalogue lacks it. */
  protected categoryCodes(own: string): string[] {
    const codes = (this.categories.value()?.items ?? []).map((c) => c.code);
    return own && !codes.includes(own) ? [own, ...codes] : codes;
  }

  protected add(): void {
    this.form.controls.items.push(this.row());
    const i = this.form.controls.items.length - 1;
    focusAfterRender(this.injector, this.host.nativeElement, `#${this.id(i, 'category')}`);
  }

  protected remove(i: number): void {
    this.form.controls.items.removeAt(i);
  }

  protected submit(): void {
    this.announcement.set(null);
    this.formError.set(null);
    const agencyId = this.agencyId();
    const currency = this.currency();
    if (!agencyId || !currency) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set(message('errors.checkFields'));
      focusFirstInvalid(this.injector, this.host.nativeElement);
      return;
    }
    const items: RateInput[] = this.form.controls.items.getRawValue().map((r) => ({
      category: r.category,
      dailyRate: { amountMinor: toMinor(r.dailyRate, currency), currency },
      oneWayFee: { amountMinor: toMinor(r.oneWayFee, currency), currency },
      validFrom: r.validFrom,
      validTo: r.validTo || null,
    }));
    this.submitting.set(true);
    this.api.replaceRates(agencyId, { items }).subscribe({
      next: (set) => {
        this.submitting.set(false);
        this.fill(set.items, currency);
        this.announcement.set(message('agent.rates.saved'));
      },
      error: (error: unknown) => {
        this.submitting.set(false);
        const problem = toProblem(error);
        const aliases: Record<string, string> = {};
        for (const e of problem.errors) {
          const path = rateControlPath(e.field);
          if (path) aliases[e.field] = path;
        }
        const unmatched: FieldProblem[] = applyFieldErrors(this.form, problem.errors, aliases);
        this.formError.set(formProblemMessage(problem, unmatched));
        focusFirstInvalid(this.injector, this.host.nativeElement);
      },
    });
  }

  /** Shows `rates` in the form, reusing its rows (their DOM stays; errors and touched states go). */
  private fill(rates: readonly Rate[], currency: string): void {
    const items = this.form.controls.items;
    while (items.length > rates.length) items.removeAt(items.length - 1, { emitEvent: false });
    rates.forEach((rate, i) => {
      const values = this.row(rate, currency).getRawValue();
      if (i < items.length) items.at(i).reset(values, { emitEvent: false });
      else items.push(this.row(rate, currency), { emitEvent: false });
    });
    items.updateValueAndValidity();
  }

  private row(rate?: Rate, currency = ''): RateRow {
    return this.fb.group({
      category: [rate?.category ?? '', Validators.required],
      dailyRate: [rate ? toMajorText(rate.dailyRate.amountMinor, rate.dailyRate.currency || currency) : '', [Validators.required, Validators.pattern(AMOUNT)]],
      oneWayFee: [rate ? toMajorText(rate.oneWayFee.amountMinor, rate.oneWayFee.currency || currency) : '0', [Validators.required, Validators.pattern(AMOUNT)]],
      validFrom: [rate?.validFrom ?? '', [Validators.required, Validators.pattern(ISO_DATE)]],
      validTo: [rate?.validTo ?? '', Validators.pattern(ISO_DATE)],
    });
  }
}
