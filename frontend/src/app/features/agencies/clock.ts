import { DestroyRef, inject, signal } from '@angular/core';

/** The current time as a signal, ticking every `periodMs` while the calling component lives. */
export function clockSignal(periodMs = 30_000) {
  const now = signal(new Date());
  const timer = setInterval(() => now.set(new Date()), periodMs);
  inject(DestroyRef).onDestroy(() => clearInterval(timer));
  return now.asReadonly();
}
