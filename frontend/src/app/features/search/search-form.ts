import { ChangeDetectionStrategy, Component, ElementRef, Injector, computed, effect, inject, input, output, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { AbstractControl, NonNullableFormBuilder, ReactiveFormsModule, ValidationErrors, Validators } from '@angular/forms';

import type { ApiProblem } from '../../core/api/problem';
import { formatClock } from '../../core/format/opening-hours';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { DateField } from '../../shared/date-field';
import { FieldError } from '../../shared/field-error';
import { FormAlert } from '../../shared/form-alert';
import { applyFieldErrors, describedBy, focusFirstInvalid, showsError } from '../../shared/forms';
import { FormMessage, formProblemMessage, message } from '../../shared/problem-message';
import { CLASS_FILTERS, classKey } from './acriss';
import { Place, SearchCriteria, addDays, joinLocal, splitLocal, todayHere } from './criteria';
import { PlacePicker } from './place-picker';

/** The API's field names → this form's controls (a 422 of `GET /offers` lands on them). */
const FIELD_ALIASES: Readonly<Record<string, string>> = {
  pickupCity: 'pickup',
  pickupAgencyId: 'pickup',
  returnCity: 'returnPlace',
  returnAgencyId: 'returnPlace',
  pickupAt: 'pickupDate',
  returnAt: 'returnDate',
};

/** Times offered in the pickers: every half hour (the agencies' opening hours decide). */
const TIMES = Array.from({ length: 48 }, (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);

const placeRequired = (control: AbstractControl): ValidationErrors | null => (control.value ? null : { place: true });

/**
 * The search: pickup place (city or agency), "return to the same place" or another, local dates
 * and times in the app's language, a car class. Emits criteria; the page puts them in the URL.
 * The API checks everything (opening hours, 2 h ahead, 90 days…); the form only helps typing.
 */
@Component({
  selector: 'app-search-form',
  imports: [ReactiveFormsModule, TranslatePipe, DateField, PlacePicker, FieldError, FormAlert],
  templateUrl: './search-form.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchForm {
  protected readonly i18n = inject(I18n);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** Criteria to start from (the URL's), if any. */
  readonly initial = input<SearchCriteria | null>(null);
  /** A pickup agency to start from ("Book here" on an agency page). */
  readonly initialPickupAgencyId = input<string | null>(null);
  /** The last search's problem (a 422 of `GET /offers`), put on the fields. */
  readonly problem = input<ApiProblem | null>(null);
  /** `hero`: the home page's large form; `bar`: above the offers. */
  readonly layout = input<'hero' | 'bar'>('hero');
  readonly submitLabel = input<'search.submit' | 'search.update'>('search.submit');

  readonly search = output<SearchCriteria>();

  protected readonly today = todayHere();
  /** The time pickers' options, labelled in the app's language (computed once per language). */
  protected readonly times = computed(() => {
    const locale = this.i18n.intlLocale();
    return TIMES.map((value) => ({ value, label: formatClock(value, locale) }));
  });
  protected readonly classes = CLASS_FILTERS;
  protected readonly classKey = classKey;
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;
  protected readonly formError = signal<FormMessage | null>(null);

  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    pickup: this.fb.control<Place | null>(null, placeRequired),
    sameReturn: true,
    returnPlace: this.fb.control<Place | null>(null),
    pickupDate: [addDays(this.today, 1), Validators.required],
    pickupTime: '10:00',
    returnDate: [addDays(this.today, 4), Validators.required],
    returnTime: '10:00',
    category: '',
  });

  private readonly sameReturn = toSignal(this.form.controls.sameReturn.valueChanges, { initialValue: true });
  protected readonly returnElsewhere = computed(() => !this.sameReturn());

  constructor() {
    effect(() => {
      const criteria = this.initial();
      if (criteria) this.fill(criteria);
    });
    effect(() => {
      const agencyId = this.initialPickupAgencyId();
      if (agencyId && !this.initial()) this.form.controls.pickup.setValue({ kind: 'agency', agencyId });
    });
    effect(() => {
      const problem = this.problem();
      if (!problem) return;
      this.formError.set(formProblemMessage(problem, applyFieldErrors(this.form, problem.errors, FIELD_ALIASES)));
      focusFirstInvalid(this.injector, this.host.nativeElement);
    });
    this.form.controls.sameReturn.valueChanges.subscribe((same) => {
      const control = this.form.controls.returnPlace;
      control.setValidators(same ? null : placeRequired);
      control.updateValueAndValidity();
    });
    // The return follows a pickup moved past it (three days later, the usual rental).
    this.form.controls.pickupDate.valueChanges.subscribe((pickup) => {
      if (pickup && this.form.controls.returnDate.value <= pickup) this.form.controls.returnDate.setValue(addDays(pickup, 3));
    });
  }

  protected submit(): void {
    this.formError.set(null);
    const v = this.form.getRawValue();
    const pickupAt = joinLocal(v.pickupDate, v.pickupTime);
    const returnAt = joinLocal(v.returnDate, v.returnTime);
    if (v.pickupDate && v.returnDate && returnAt <= pickupAt) {
      this.form.controls.returnDate.setErrors({ server: { code: 'return_before_pickup' } });
      this.form.controls.returnDate.markAsTouched();
    }
    if (this.form.invalid || !v.pickup) {
      this.form.markAllAsTouched();
      this.formError.set(message('errors.checkFields'));
      focusFirstInvalid(this.injector, this.host.nativeElement);
      return;
    }
    this.search.emit({
      pickup: v.pickup,
      return: v.sameReturn ? null : v.returnPlace,
      pickupAt,
      returnAt,
      category: v.category || null,
    });
  }

  private fill(criteria: SearchCriteria): void {
    const pickup = splitLocal(criteria.pickupAt);
    const back = splitLocal(criteria.returnAt);
    this.form.patchValue({
      pickup: criteria.pickup,
      sameReturn: criteria.return === null,
      returnPlace: criteria.return,
      pickupDate: pickup.date,
      pickupTime: TIMES.includes(pickup.time) ? pickup.time : '10:00',
      returnDate: back.date,
      returnTime: TIMES.includes(back.time) ? back.time : '10:00',
      category: criteria.category ?? '',
    });
  }
}
