import { DestroyRef, Injector, Signal, computed, inject, signal, untracked } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, concat, exhaustMap, map, of, scan, startWith, switchMap } from 'rxjs';

import type { Page } from '../api/models';
import { ApiProblem, toProblem } from '../api/problem';
import { Message, problemMessage } from '../../shared/problem-message';

/**
 * What a page shows of something it loads: the one state type of every screen that reads from the
 * API. `error` keeps the problem (to tell a 404 from a network failure) and its message (a key).
 */
export type LoadState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly problem: ApiProblem; readonly message: Message }
  | { readonly status: 'empty' }
  | { readonly status: 'data'; readonly value: T };

export interface Loaded<T> {
  /** The current state; `loading` again as soon as the parameters change. */
  readonly state: Signal<LoadState<T>>;
  /** The value when there is one (empty and error states have none). */
  readonly value: Signal<T | null>;
  /** Loads the current parameters again (the "Try again" button of the error state). */
  retry(): void;
}

export interface LoadOptions<P, T> {
  /** The parameters (route inputs, filters); `null` means nothing to load (the state stays `empty`). */
  params: () => P | null;
  load: (params: P) => Observable<T>;
  /** Whether a value is the empty state (no agency, no reservation); never by default. */
  isEmpty?: (value: T) => boolean;
  injector?: Injector;
}

/**
 * The loading pattern of the SPA: parameters as a signal → `toObservable` → `switchMap` to the
 * request → `toSignal`. A new parameter value unsubscribes the previous request (HttpClient
 * cancels it), so an older, slower answer can never overwrite a newer one.
 */
export function loadState<P, T>(options: LoadOptions<P, T>): Loaded<T> {
  const injector = options.injector ?? inject(Injector);
  const retries = signal(0);
  const params = computed(() => ({ params: options.params(), attempt: retries() }), { equal: sameRequest });
  const states = toObservable(params, { injector }).pipe(
    switchMap(({ params }) => (params === null ? of<LoadState<T>>({ status: 'empty' }) : attempt(options.load(params), options.isEmpty))),
  );
  const state = toSignal(states, { initialValue: { status: 'loading' } as LoadState<T>, injector });
  return {
    state,
    value: computed(() => {
      const current = state();
      return current.status === 'data' ? current.value : null;
    }),
    retry: () => retries.update((n) => n + 1),
  };
}

/** The items loaded so far for one set of parameters, and whether more can be asked for. */
export interface PagedValue<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
  /** A "load more" request is on its way. */
  readonly loadingMore: boolean;
  /** The last "load more" failed (the items loaded before stay). */
  readonly moreError: Message | null;
}

export interface PagedLoaded<T> extends Loaded<PagedValue<T>> {
  /** Asks for the next page of the current parameters (ignored while one is on its way). */
  more(): void;
}

export interface PagedOptions<P, T> {
  params: () => P | null;
  loadPage: (params: P, cursor: string | null) => Observable<Page<T>>;
  injector?: Injector;
}

/**
 * {@link loadState} for a list endpoint (`{ items, nextCursor }`) with "load more": the pages of
 * one set of parameters are appended to each other; a change of parameters drops them and any
 * page still on its way, so pages of two filters never mix.
 */
export function pagedLoadState<P, T>(options: PagedOptions<P, T>): PagedLoaded<T> {
  const injector = options.injector ?? inject(Injector);
  const retries = signal(0);
  const moreRequests = new Subject<void>();
  inject(DestroyRef, { optional: true })?.onDestroy(() => moreRequests.complete());
  const params = computed(() => ({ params: options.params(), attempt: retries() }), { equal: sameRequest });
  // switchMap: new parameters unsubscribe the previous pages, the one on its way included.
  const states = toObservable(params, { injector }).pipe(
    switchMap(({ params }): Observable<LoadState<PagedValue<T>>> => {
      if (params === null) return of({ status: 'empty' });
      const first = attempt(options.loadPage(params, null), (page) => page.items.length === 0);
      return first.pipe(
        switchMap((state) => {
          if (state.status !== 'data') return of(state as LoadState<PagedValue<T>>);
          const start: PagedValue<T> = { items: state.value.items, nextCursor: state.value.nextCursor ?? null, loadingMore: false, moreError: null };
          let current = start;
          const pages = moreRequests.pipe(
            exhaustMap(() => {
              const cursor = current.nextCursor;
              if (!cursor) return of<PageEvent<T>>({ kind: 'none' });
              return concat(
                of<PageEvent<T>>({ kind: 'started' }),
                options.loadPage(params, cursor).pipe(
                  map((page): PageEvent<T> => ({ kind: 'page', page })),
                  catchError((error: unknown) => of<PageEvent<T>>({ kind: 'failed', message: problemMessage(toProblem(error)) })),
                ),
              );
            }),
            scan((value: PagedValue<T>, event: PageEvent<T>): PagedValue<T> => {
              switch (event.kind) {
                case 'started':
                  return { ...value, loadingMore: true, moreError: null };
                case 'page':
                  return { items: [...value.items, ...event.page.items], nextCursor: event.page.nextCursor ?? null, loadingMore: false, moreError: null };
                case 'failed':
                  return { ...value, loadingMore: false, moreError: event.message };
                default:
                  return value;
              }
            }, start),
            map((value) => {
              current = value;
              return { status: 'data', value } as LoadState<PagedValue<T>>;
            }),
            startWith({ status: 'data', value: start } as LoadState<PagedValue<T>>),
          );
          return pages;
        }),
      );
    }),
  );
  const state = toSignal(states, { initialValue: { status: 'loading' } as LoadState<PagedValue<T>>, injector });
  return {
    state,
    value: computed(() => {
      const current = state();
      return current.status === 'data' ? current.value : null;
    }),
    retry: () => retries.update((n) => n + 1),
    more: () => untracked(() => moreRequests.next()),
  };
}

type PageEvent<T> = { kind: 'started' } | { kind: 'page'; page: Page<T> } | { kind: 'failed'; message: Message } | { kind: 'none' };

/**
 * Parameters are plain data (ids, filters, criteria): equal values are the same request, so a
 * signal that recomputes an equal value (the user object after a profile read, criteria parsed
 * again from the URL) loads nothing again.
 */
function sameRequest<P>(a: { params: P; attempt: number }, b: { params: P; attempt: number }): boolean {
  return a.attempt === b.attempt && (Object.is(a.params, b.params) || JSON.stringify(a.params) === JSON.stringify(b.params));
}

/** The states of one request: loading, then data, empty or error. */
function attempt<T>(request: Observable<T>, isEmpty?: (value: T) => boolean): Observable<LoadState<T>> {
  return request.pipe(
    map((value): LoadState<T> => (isEmpty?.(value) ? { status: 'empty' } : { status: 'data', value })),
    catchError((error: unknown) => {
      const problem = toProblem(error);
      return of<LoadState<T>>({ status: 'error', problem, message: problemMessage(problem) });
    }),
    startWith<LoadState<T>>({ status: 'loading' }),
  );
}
