import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Observable, Subject } from 'rxjs';

import type { Page } from '../api/models';
import { loadState, pagedLoadState } from './load-state';

/** Requests the test answers by hand, in any order. */
class Requests<T> {
  readonly pending = new Map<string, Subject<T>>();
  readonly cancelled: string[] = [];
  open(key: string): Subject<T> {
    const subject = new Subject<T>();
    this.pending.set(key, subject);
    return subject;
  }
  answer(key: string, value: T): void {
    const subject = this.pending.get(key)!;
    subject.next(value);
    subject.complete();
  }
}

/** The request `key` as HttpClient makes it: cancelled (recorded) when unsubscribed before it answered. */
function tracked<T>(requests: Requests<T>, key: string): Observable<T> {
  const subject = requests.open(key);
  return new Observable<T>((subscriber) => {
    let settled = false;
    const inner = subject.subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
      complete: () => {
        settled = true;
        subscriber.complete();
      },
    });
    return () => {
      if (!settled) requests.cancelled.push(key);
      inner.unsubscribe();
    };
  });
}

describe('loadState', () => {
  it('never lets an older, slower answer overwrite a newer one', async () => {
    const requests = new Requests<string>();
    const id = signal('a');
    const loaded = TestBed.runInInjectionContext(() => loadState({ params: id, load: (key) => tracked(requests, key) }));
    TestBed.tick();
    expect(loaded.state()).toEqual({ status: 'loading' });

    id.set('b');
    TestBed.tick();
    requests.answer('b', 'answer of b');
    expect(loaded.state()).toEqual({ status: 'data', value: 'answer of b' });

    // The first request answers last: too late, it was cancelled when `b` started.
    requests.answer('a', 'answer of a');
    expect(loaded.state()).toEqual({ status: 'data', value: 'answer of b' });
    expect(requests.cancelled).toEqual(['a']);
  });

  it('tells loading, empty, error and data apart, and retries', async () => {
    const requests = new Requests<string[]>();
    let attempt = 0;
    const loaded = TestBed.runInInjectionContext(() =>
      loadState({ params: () => 'q', load: () => tracked(requests, `q${++attempt}`), isEmpty: (items) => items.length === 0 }),
    );
    TestBed.tick();
    requests.pending.get('q1')!.error(new HttpErrorResponse({ status: 0 }));
    expect(loaded.state()).toMatchObject({ status: 'error', message: { key: 'errors.network' } });

    loaded.retry();
    TestBed.tick();
    expect(loaded.state()).toEqual({ status: 'loading' });
    requests.answer('q2', []);
    expect(loaded.state()).toEqual({ status: 'empty' });
    expect(loaded.value()).toBeNull();
  });
});

describe('pagedLoadState', () => {
  it('appends the next page of the same filter and never mixes two filters', async () => {
    const requests = new Requests<Page<string>>();
    const filter = signal('FR');
    const loaded = TestBed.runInInjectionContext(() =>
      pagedLoadState({ params: filter, loadPage: (f, cursor) => tracked(requests, `${f}:${cursor ?? 'first'}`) }),
    );
    TestBed.tick();
    requests.answer('FR:first', { items: ['Paris', 'Lyon'], nextCursor: 'c2' });
    expect(loaded.value()?.items).toEqual(['Paris', 'Lyon']);

    loaded.more();
    expect(loaded.value()?.loadingMore).toBe(true);
    loaded.more(); // a second click while the page is on its way asks for nothing more
    expect([...requests.pending.keys()]).toEqual(['FR:first', 'FR:c2']);

    // The filter changes before the French second page answers: it is dropped.
    filter.set('CA');
    TestBed.tick();
    expect(loaded.state()).toEqual({ status: 'loading' });
    requests.answer('CA:first', { items: ['Toronto'], nextCursor: null });
    requests.answer('FR:c2', { items: ['Nice'], nextCursor: null });
    expect(loaded.value()).toEqual({ items: ['Toronto'], nextCursor: null, loadingMore: false, moreError: null });
    expect(requests.cancelled).toContain('FR:c2');
  });

  it('keeps the loaded items when a next page fails', async () => {
    const requests = new Requests<Page<string>>();
    const loaded = TestBed.runInInjectionContext(() =>
      pagedLoadState({ params: () => 'FR', loadPage: (f, cursor) => tracked(requests, `${f}:${cursor ?? 'first'}`) }),
    );
    TestBed.tick();
    requests.answer('FR:first', { items: ['Paris'], nextCursor: 'c2' });
    loaded.more();
    requests.pending.get('FR:c2')!.error(new HttpErrorResponse({ status: 503, error: { code: 'overloaded' } }));
    expect(loaded.value()).toMatchObject({ items: ['Paris'], nextCursor: 'c2', loadingMore: false, moreError: { key: 'errors.problems.overloaded' } });
  });
});

describe('loadState parameters', () => {
  it('loads once for parameters recomputed to an equal value', async () => {
    const requests = new Requests<string>();
    const source = signal({ id: 'a', at: 1 });
    let calls = 0;
    const loaded = TestBed.runInInjectionContext(() =>
      loadState({ params: () => ({ id: source().id }), load: (p) => (calls++, tracked(requests, p.id)) }),
    );
    TestBed.tick();
    source.set({ id: 'a', at: 2 }); // another object, the same request
    TestBed.tick();
    requests.answer('a', 'answer');
    expect(calls).toBe(1);
    expect(loaded.value()).toBe('answer');
  });
});
