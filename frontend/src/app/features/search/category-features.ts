import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import type { VehicleCategory } from '../../core/api/models';
import { PluralPipe, TranslatePipe } from '../../core/i18n/i18n';
import { Icon } from '../../shared/icon';
import { featuresOf, fuelKey } from './acriss';

/** Seats, doors, bags, gearbox, air conditioning and fuel of a category, decoded from its ACRISS code. */
@Component({
  selector: 'app-category-features',
  imports: [TranslatePipe, PluralPipe, Icon],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ul class="car-features" [attr.aria-label]="'offers.features' | t">
      <li><app-icon name="person" />{{ 'offers.seats' | plural: features().seats }}</li>
      <li><app-icon name="door" />{{ 'offers.doors' | plural: features().doors }}</li>
      <li><app-icon name="bag" />{{ 'offers.bags' | plural: features().bags }}</li>
      <li><app-icon name="gear" />{{ features().transmissionKey | t }}</li>
      @if (features().airConditioning) {
        <li><app-icon name="snow" />{{ 'offers.airConditioning' | t }}</li>
      }
      @if (fuel(); as key) {
        <li><app-icon name="fuel" />{{ key | t }}</li>
      }
    </ul>
  `,
})
export class CategoryFeaturesList {
  readonly category = input.required<VehicleCategory>();
  protected readonly features = computed(() => featuresOf(this.category()));
  protected readonly fuel = computed(() => fuelKey(this.category().code));
}
