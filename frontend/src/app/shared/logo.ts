import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The brand mark: a road bending into a "Y" (decorative; the link around it carries the name). */
@Component({
  selector: 'app-logo',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg viewBox="0 0 40 40" width="36" height="36" aria-hidden="true" focusable="false">
      <rect width="40" height="40" rx="10" fill="#f59e0b" />
      <path d="M11 9l9 12 9-12" fill="none" stroke="#0b1f3a" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round" />
      <path d="M20 21v11" fill="none" stroke="#0b1f3a" stroke-width="4.5" stroke-linecap="round" />
      <path d="M20 24.5v1.6M20 29v1.6" stroke="#f59e0b" stroke-width="1.6" stroke-linecap="round" />
    </svg>
  `,
  styles: `:host { display: inline-flex; line-height: 0; }`,
})
export class Logo {}
