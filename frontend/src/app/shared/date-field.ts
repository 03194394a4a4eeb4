import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  forwardRef,
  inject,
  input,
  signal,
} from '@angular/core';
import { ControlValueAccessor, NG_VALUE_ACCESSOR } from '@angular/forms';

import { I18n, TranslatePipe } from '../core/i18n/i18n';
import { Icon } from './icon';

/** `YYYY-MM-DD` ↔ a UTC timestamp of that calendar day (no time zone is involved anywhere here). */
function toDay(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? Date.UTC(+match[1], +match[2] - 1, +match[3]) : null;
}
function toIso(day: number): string {
  return new Date(day).toISOString().slice(0, 10);
}
const DAY = 86_400_000;

/**
 * A date picker written in the app's language and calendar conventions (the native
 * `<input type="date">` follows the browser's locale: 09/12 for 12 September in a French page).
 * A button shows the chosen date; it opens a dialog with a month grid (arrow keys move by day
 * and week, Page Up/Down by month, Home/End to the week's ends, Enter picks, Escape closes).
 */
@Component({
  selector: 'app-date-field',
  imports: [TranslatePipe, Icon],
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [{ provide: NG_VALUE_ACCESSOR, useExisting: forwardRef(() => DateField), multi: true }],
  host: { class: 'date-field', '(keydown.escape)': 'close(true)' },
  template: `
    <button
      type="button"
      class="date-field__button"
      [attr.id]="fieldId()"
      [attr.aria-labelledby]="labelId() + ' ' + fieldId()"
      [attr.aria-describedby]="describedBy()"
      [attr.aria-invalid]="invalid()"
      aria-haspopup="dialog"
      [attr.aria-expanded]="open()"
      [disabled]="disabled()"
      (click)="toggle()"
    >
      <app-icon name="calendar" />
      <span>{{ label() }}</span>
    </button>
    @if (open()) {
      <div class="date-field__popup" role="dialog" aria-modal="false" [attr.aria-label]="'datePicker.dialog' | t">
        <div class="date-field__head">
          <button type="button" class="date-field__nav" (click)="moveMonth(-1)" [disabled]="!canGoBack()" [attr.aria-label]="'datePicker.previousMonth' | t">‹</button>
          <p class="date-field__month" aria-live="polite">{{ monthLabel() }}</p>
          <button type="button" class="date-field__nav" (click)="moveMonth(1)" [attr.aria-label]="'datePicker.nextMonth' | t">›</button>
        </div>
        <table class="date-field__grid" role="grid" [attr.aria-label]="monthLabel()" (keydown)="onGridKey($event)">
          <thead>
            <tr>
              @for (name of weekdayNames(); track $index) {
                <th scope="col" [attr.abbr]="name.long"><span aria-hidden="true">{{ name.short }}</span></th>
              }
            </tr>
          </thead>
          <tbody>
            @for (week of weeks(); track $index) {
              <tr>
                @for (cell of week; track cell.day) {
                  <td [attr.aria-selected]="cell.selected">
                    @if (cell.inMonth) {
                      <button
                        type="button"
                        class="date-field__day"
                        [class.is-selected]="cell.selected"
                        [class.is-today]="cell.today"
                        [attr.tabindex]="cell.focus ? 0 : -1"
                        [attr.data-day]="cell.iso"
                        [attr.aria-label]="cell.label"
                        [attr.aria-current]="cell.today ? 'date' : null"
                        [disabled]="cell.disabled"
                        (click)="pick(cell.day)"
                      >{{ cell.number }}</button>
                    }
                  </td>
                }
              </tr>
            }
          </tbody>
        </table>
      </div>
    }
  `,
})
export class DateField implements ControlValueAccessor {
  private readonly i18n = inject(I18n);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** The id of the button (the `for` of nothing: the label is tied with `aria-labelledby`). */
  readonly fieldId = input.required<string>();
  readonly labelId = input.required<string>();
  readonly describedBy = input<string | null>(null);
  readonly invalid = input(false);
  /** The first day that can be picked (`YYYY-MM-DD`). */
  readonly min = input<string | null>(null);

  protected readonly value = signal<string>('');
  protected readonly disabled = signal(false);
  protected readonly open = signal(false);
  /** The day with the grid's focus. */
  private readonly active = signal<number>(Date.now() - (Date.now() % DAY));

  private onChange: (value: string) => void = () => undefined;
  private onTouched: () => void = () => undefined;

  protected readonly label = computed(() => {
    const day = toDay(this.value());
    if (day === null) return this.i18n.t('datePicker.choose');
    return new Intl.DateTimeFormat(this.i18n.intlLocale(), { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(day);
  });

  protected readonly monthLabel = computed(() =>
    new Intl.DateTimeFormat(this.i18n.intlLocale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(this.active()),
  );

  protected readonly weekdayNames = computed(() => {
    const locale = this.i18n.intlLocale();
    const short = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
    const long = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
    // 2024-01-01 was a Monday; weeks start on Monday in every market but the US and Canada, where
    // a Monday start still reads naturally in a booking form.
    return [0, 1, 2, 3, 4, 5, 6].map((i) => ({ short: short.format(Date.UTC(2024, 0, 1 + i)), long: long.format(Date.UTC(2024, 0, 1 + i)) }));
  });

  protected readonly weeks = computed(() => {
    const active = new Date(this.active());
    const first = Date.UTC(active.getUTCFullYear(), active.getUTCMonth(), 1);
    const offset = (new Date(first).getUTCDay() + 6) % 7;
    const start = first - offset * DAY;
    const selected = toDay(this.value());
    const min = toDay(this.min() ?? '');
    const today = Date.now() - (Date.now() % DAY);
    const format = new Intl.DateTimeFormat(this.i18n.intlLocale(), { dateStyle: 'full', timeZone: 'UTC' });
    const weeks = [];
    for (let w = 0; w < 6; w++) {
      const week = [];
      for (let d = 0; d < 7; d++) {
        const day = start + (w * 7 + d) * DAY;
        week.push({
          day,
          iso: toIso(day),
          number: new Date(day).getUTCDate(),
          inMonth: new Date(day).getUTCMonth() === active.getUTCMonth(),
          selected: day === selected,
          today: day === today,
          focus: day === this.active(),
          disabled: min !== null && day < min,
          label: format.format(day),
        });
      }
      if (week.some((c) => c.inMonth)) weeks.push(week);
    }
    return weeks;
  });

  protected readonly canGoBack = computed(() => {
    const min = toDay(this.min() ?? '');
    if (min === null) return true;
    const active = new Date(this.active());
    return Date.UTC(active.getUTCFullYear(), active.getUTCMonth(), 1) > min;
  });

  writeValue(value: unknown): void {
    this.value.set(typeof value === 'string' ? value : '');
  }
  registerOnChange(fn: (value: string) => void): void {
    this.onChange = fn;
  }
  registerOnTouched(fn: () => void): void {
    this.onTouched = fn;
  }
  setDisabledState(disabled: boolean): void {
    this.disabled.set(disabled);
  }

  protected toggle(): void {
    if (this.open()) {
      this.close(false);
      return;
    }
    const min = toDay(this.min() ?? '');
    const start = toDay(this.value()) ?? min ?? Date.now() - (Date.now() % DAY);
    this.active.set(min !== null && start < min ? min : start);
    this.open.set(true);
    this.focusActive();
  }

  close(returnFocus: boolean): void {
    if (!this.open()) return;
    this.open.set(false);
    this.onTouched();
    if (returnFocus) this.host.nativeElement.querySelector<HTMLElement>('.date-field__button')?.focus();
  }

  protected pick(day: number): void {
    const iso = toIso(day);
    this.value.set(iso);
    this.onChange(iso);
    this.close(true);
  }

  protected moveMonth(delta: number): void {
    const active = new Date(this.active());
    const target = Date.UTC(active.getUTCFullYear(), active.getUTCMonth() + delta, 1);
    this.active.set(this.clamp(target));
  }

  protected onGridKey(event: KeyboardEvent): void {
    const steps: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    const active = this.active();
    let next: number | null = null;
    if (event.key in steps) next = active + steps[event.key] * DAY;
    else if (event.key === 'PageUp' || event.key === 'PageDown') {
      const d = new Date(active);
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (event.key === 'PageUp' ? -1 : 1), d.getUTCDate());
    } else if (event.key === 'Home') next = active - ((new Date(active).getUTCDay() + 6) % 7) * DAY;
    else if (event.key === 'End') next = active + (6 - ((new Date(active).getUTCDay() + 6) % 7)) * DAY;
    if (next === null) return;
    event.preventDefault();
    this.active.set(this.clamp(next));
    this.focusActive();
  }

  private clamp(day: number): number {
    const min = toDay(this.min() ?? '');
    return min !== null && day < min ? min : day;
  }

  private focusActive(): void {
    afterNextRender({ write: () => this.host.nativeElement.querySelector<HTMLElement>('.date-field__day[tabindex="0"]')?.focus() }, { injector: this.injector });
  }
}
