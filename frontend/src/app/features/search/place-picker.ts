import { ChangeDetectionStrategy, Component, computed, forwardRef, inject, input, signal } from '@angular/core';
import { ControlValueAccessor, NG_VALUE_ACCESSOR } from '@angular/forms';
import { map, of, switchMap, timer } from 'rxjs';

import type { Agency } from '../../core/api/models';
import { loadState } from '../../core/data/load-state';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { AgencyService } from '../agencies/agency.service';
import type { Place } from './criteria';

interface Suggestion {
  readonly id: string;
  readonly place: Place;
  readonly label: string;
  readonly detail: string;
}

/**
 * "City or agency" with suggestions from the catalog (`GET /agencies?q=`): the cities of the
 * matching agencies first (every agency of the city), then the agencies themselves. The ARIA
 * 1.2 combobox pattern: arrows move through the list, Enter picks, Escape closes.
 */
@Component({
  selector: 'app-place-picker',
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [{ provide: NG_VALUE_ACCESSOR, useExisting: forwardRef(() => PlacePicker), multi: true }],
  host: { class: 'place-picker' },
  template: `
    <input
      type="text"
      role="combobox"
      autocomplete="off"
      spellcheck="false"
      [attr.id]="fieldId()"
      [attr.aria-describedby]="describedBy()"
      [attr.aria-invalid]="invalid()"
      aria-autocomplete="list"
      [attr.aria-expanded]="expanded()"
      [attr.aria-controls]="fieldId() + '-list'"
      [attr.aria-activedescendant]="activeId()"
      [attr.placeholder]="'search.placePlaceholder' | t"
      [value]="text()"
      [disabled]="disabled()"
      (input)="onInput($any($event.target).value)"
      (keydown)="onKey($event)"
      (focus)="focused.set(true)"
      (blur)="onBlur()"
    />
    <ul class="place-picker__list" role="listbox" [attr.id]="fieldId() + '-list'" [attr.aria-label]="'search.suggestions' | t" [hidden]="!expanded()">
      @for (s of suggestions(); track s.id; let i = $index) {
        <li
          role="option"
          class="place-picker__option"
          [attr.id]="fieldId() + '-opt-' + i"
          [attr.aria-selected]="i === active()"
          [class.is-active]="i === active()"
          (mousedown)="$event.preventDefault()"
          (click)="choose(s)"
        >
          <span class="place-picker__icon" aria-hidden="true">{{ s.place.kind === 'city' ? '◎' : '•' }}</span>
          <span class="place-picker__label">{{ s.label }}</span>
          <span class="place-picker__detail">{{ s.detail }}</span>
        </li>
      }
    </ul>
    <p class="visually-hidden" aria-live="polite">{{ announcement() }}</p>
  `,
})
export class PlacePicker implements ControlValueAccessor {
  private readonly i18n = inject(I18n);
  private readonly agencies = inject(AgencyService);

  readonly fieldId = input.required<string>();
  readonly describedBy = input<string | null>(null);
  readonly invalid = input(false);

  protected readonly place = signal<Place | null>(null);
  /** What the visitor typed since the last choice; `null` shows the chosen place's name. */
  private readonly typed = signal<string | null>(null);
  protected readonly disabled = signal(false);
  protected readonly focused = signal(false);
  protected readonly active = signal(-1);

  private onChange: (value: Place | null) => void = () => undefined;
  private onTouched: () => void = () => undefined;

  /** The chosen agency's name (a place from the URL comes as an id only). */
  private readonly chosenAgency = loadState({
    params: () => {
      const place = this.place();
      return place?.kind === 'agency' ? place.agencyId : null;
    },
    load: (id) => this.agencies.get(id),
  });

  protected readonly text = computed(() => {
    const typed = this.typed();
    if (typed !== null) return typed;
    const place = this.place();
    if (!place) return '';
    if (place.kind === 'city') return place.city;
    return this.chosenAgency.value()?.name ?? '';
  });

  private readonly matches = loadState({
    params: () => {
      const typed = this.typed()?.trim() ?? '';
      return typed.length >= 2 ? typed : null;
    },
    // A new keystroke within 200 ms drops the timer and the request of the previous one.
    load: (q) => timer(200).pipe(switchMap(() => this.agencies.list({ q, limit: 20 })), map((page) => page.items)),
  });

  protected readonly suggestions = computed<Suggestion[]>(() => {
    const agencies: readonly Agency[] = this.matches.value() ?? [];
    const cities = new Map<string, Suggestion>();
    for (const a of agencies) {
      const key = `${a.city}|${a.countryCode}`;
      if (!cities.has(key)) {
        cities.set(key, {
          id: `city:${key}`,
          place: { kind: 'city', city: a.city },
          label: a.city,
          detail: this.i18n.t('search.allAgenciesIn', { country: this.i18n.countryName(a.countryCode) }),
        });
      }
    }
    const named = agencies.map((a) => ({
      id: `agency:${a.id}`,
      place: { kind: 'agency', agencyId: a.id } as Place,
      label: a.name,
      detail: `${a.city}, ${this.i18n.countryName(a.countryCode)}`,
    }));
    return [...cities.values(), ...named].slice(0, 12);
  });

  protected readonly expanded = computed(() => this.focused() && this.typed() !== null && this.suggestions().length > 0);
  protected readonly activeId = computed(() => (this.expanded() && this.active() >= 0 ? `${this.fieldId()}-opt-${this.active()}` : null));
  protected readonly announcement = computed(() => {
    if (!this.focused() || this.typed() === null || (this.typed()?.trim().length ?? 0) < 2) return '';
    const state = this.matches.state();
    if (state.status === 'empty' || (state.status === 'data' && this.suggestions().length === 0)) return this.i18n.t('search.noSuggestion');
    if (state.status === 'data') return this.i18n.t('search.suggestionCount', { count: this.suggestions().length });
    return '';
  });

  writeValue(value: unknown): void {
    this.place.set(isPlace(value) ? value : null);
    this.typed.set(null);
  }
  registerOnChange(fn: (value: Place | null) => void): void {
    this.onChange = fn;
  }
  registerOnTouched(fn: () => void): void {
    this.onTouched = fn;
  }
  setDisabledState(disabled: boolean): void {
    this.disabled.set(disabled);
  }

  protected onInput(value: string): void {
    this.typed.set(value);
    this.active.set(-1);
    if (this.place() !== null) {
      this.place.set(null);
      this.onChange(null);
    }
  }

  protected onKey(event: KeyboardEvent): void {
    const count = this.suggestions().length;
    if (event.key === 'ArrowDown' && count) {
      event.preventDefault();
      this.active.update((i) => (i + 1) % count);
    } else if (event.key === 'ArrowUp' && count) {
      event.preventDefault();
      this.active.update((i) => (i <= 0 ? count - 1 : i - 1));
    } else if (event.key === 'Enter' && this.expanded()) {
      const chosen = this.suggestions()[Math.max(0, this.active())];
      if (chosen) {
        event.preventDefault();
        this.choose(chosen);
      }
    } else if (event.key === 'Escape' && this.expanded()) {
      event.preventDefault();
      this.typed.set(this.place() ? null : this.typed());
      this.focused.set(false);
    }
  }

  protected onBlur(): void {
    this.focused.set(false);
    this.onTouched();
  }

  protected choose(suggestion: Suggestion): void {
    this.place.set(suggestion.place);
    this.typed.set(null);
    this.active.set(-1);
    this.onChange(suggestion.place);
  }
}

function isPlace(value: unknown): value is Place {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v['kind'] === 'city' && typeof v['city'] === 'string') || (v['kind'] === 'agency' && typeof v['agencyId'] === 'string');
}
