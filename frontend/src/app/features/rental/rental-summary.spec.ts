import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { I18n } from '../../core/i18n/i18n';
import { agency, eur, parisTrip } from '../../testing/fixtures';
import { provideRentalMessages } from './messages';
import { PriceSummary, PricedTrip, TripDetails } from './rental-summary';

const trip: PricedTrip = {
  ...parisTrip,
  returnAgency: { ...agency, name: 'Lyon Part-Dieu', address: { ...agency.address, line1: '5 place Béraudier', postalCode: '69003', city: 'Lyon' } },
};

@Component({
  imports: [PriceSummary, TripDetails],
  template: `
    <app-trip-details [trip]="trip()" />
    <app-price-summary [price]="trip()" [paid]="paid()" titleId="the-price"><p class="note">projected</p></app-price-summary>
  `,
})
class Host {
  readonly trip = signal(trip);
  readonly paid = signal<PricedTrip['total'] | null>(null);
}

describe('TripDetails and PriceSummary (booking summary and reservation detail)', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRentalMessages()] });
    TestBed.inject(I18n).setLocale('en');
  });

  const lines = (root: HTMLElement) =>
    Array.from(root.querySelectorAll('.price-summary__lines > div')).map((d) => d.textContent?.replace(/\s+/g, ' ').trim());

  it('shows both agencies with their local times, the price lines, the page’s note and the policy', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    expect(root.querySelector('.trip')?.textContent).toContain('Lyon Part-Dieu');
    expect(root.querySelector('.trip')?.textContent).toContain('5 place Béraudier, 69003 Lyon');
    expect(root.querySelector('[data-testid="pickup-at"]')?.textContent).toContain('(UTC+1)');
    expect(root.querySelector('.price-summary')?.getAttribute('aria-labelledby')).toBe('the-price');
    expect(root.querySelector('#the-price')?.textContent).toBe('Price');
    expect(lines(root)).toHaveLength(2);
    expect(lines(root)[1]).toContain('€134.97');
    expect(root.querySelector('.price-summary .note')?.textContent).toBe('projected');
    expect(root.querySelectorAll('.policy li')).toHaveLength(2);
  });

  it('adds the one-way fee when there is one, and what a reservation has been paid', async () => {
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.trip.set({ ...trip, oneWayFee: eur(3500), total: eur(16997) });
    fixture.componentInstance.paid.set(eur(16997));
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    expect(lines(root)).toHaveLength(4);
    expect(lines(root)[1]).toContain('€35.00');
    expect(lines(root)[3]).toContain('€169.97');
  });
});
