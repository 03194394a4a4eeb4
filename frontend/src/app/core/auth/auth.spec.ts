import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, Router, RouterStateSnapshot, UrlSegment, UrlTree, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';

import type { SessionResponse, User } from '../api/models';
import { Notices } from '../notices';
import { authInterceptor } from './auth.interceptor';
import { AuthService } from './auth.service';
import { authGuard, guestGuard, landingFor, roleGuard, roleMatch, safeReturnUrl } from './guards';
import { SessionSync } from './session-sync';

/** BroadcastChannel between the "tabs" of a test: delivers to the other instances, a microtask later. */
class FakeChannel {
  static readonly open = new Set<FakeChannel>();
  private readonly listeners = new Set<(event: MessageEvent) => void>();
  constructor(readonly name: string) {
    FakeChannel.open.add(this);
  }
  postMessage(data: unknown): void {
    const copy: unknown = JSON.parse(JSON.stringify(data));
    for (const other of FakeChannel.open) {
      if (other === this || other.name !== this.name) continue;
      queueMicrotask(() => other.listeners.forEach((listener) => listener(new MessageEvent('message', { data: copy }))));
    }
  }
  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listeners.delete(listener);
  }
  close(): void {
    FakeChannel.open.delete(this);
  }
}

/** Web Locks of a test: one holder at a time per name, in request order. */
class FakeLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  readonly held: string[] = [];
  request(name: string, _options: LockOptions, callback: (lock: Lock | null) => unknown): Promise<unknown> {
    const run = (this.tails.get(name) ?? Promise.resolve()).then(async () => {
      this.held.push(name);
      try {
        return await callback({ name, mode: 'exclusive' });
      } finally {
        this.held.pop();
      }
    });
    this.tails.set(name, run.catch(() => undefined));
    return run;
  }
}

/** Lets the lock, the channel and the HTTP callbacks run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function installTabApis(): FakeLocks {
  FakeChannel.open.clear();
  vi.stubGlobal('BroadcastChannel', FakeChannel);
  const locks = new FakeLocks();
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
  return locks;
}

function removeTabApis(): void {
  vi.unstubAllGlobals();
  delete (navigator as { locks?: unknown }).locks;
}

const user = (role: User['role'] = 'client'): User => ({
  id: '01929d6e-0000-7000-8000-000000000001',
  email: 'ana@example.com',
  role,
  firstName: 'Ana',
  lastName: 'Silva',
  birthDate: '1990-04-02',
  phone: null,
  address: null,
  locale: 'en',
  emailVerified: true,
  agencyId: null,
});
const session = (token: string, role: User['role'] = 'client'): SessionResponse => ({
  accessToken: token,
  tokenType: 'Bearer',
  expiresIn: 900,
  user: user(role),
});

describe('auth interceptor and session', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let auth: AuthService;

  beforeEach(() => {
    localStorage.clear();
    installTabApis();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthService);
  });

  afterEach(() => {
    backend.verify();
    removeTabApis();
  });

  async function signIn(token = 'access-1'): Promise<void> {
    const done = firstValueFrom(auth.signIn('ana@example.com', 'violet-tractor-harbour-42'));
    const request = backend.expectOne('/api/v1/auth/sessions');
    expect(request.request.withCredentials).toBe(true);
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush(session(token));
    await done;
  }

  it('keeps the access token in memory only and sends it as a bearer token to the API', async () => {
    await signIn();
    expect(auth.user()?.email).toBe('ana@example.com');
    expect(JSON.stringify(localStorage)).not.toContain('access-1');
    http.get('/api/v1/users/me').subscribe();
    expect(backend.expectOne('/api/v1/users/me').request.headers.get('Authorization')).toBe('Bearer access-1');
    http.get('https://elsewhere.example/api').subscribe();
    expect(backend.expectOne('https://elsewhere.example/api').request.headers.has('Authorization')).toBe(false);
  });

  it('refreshes once for concurrent 401s, then retries each call with the new token', async () => {
    await signIn();
    const results: unknown[] = [];
    http.get('/api/v1/users/me').subscribe((body) => results.push(body));
    http.get('/api/v1/users/me/export').subscribe((body) => results.push(body));
    for (const request of backend.match((r) => r.url.startsWith('/api/v1/users/me'))) {
      request.flush({ code: 'unauthorized' }, { status: 401, statusText: 'Unauthorized' });
    }
    await settle();
    const refresh = backend.match('/api/v1/auth/sessions/refresh');
    expect(refresh.length).toBe(1);
    expect(refresh[0].request.withCredentials).toBe(true);
    refresh[0].flush(session('access-2'));
    await settle();
    const retried = backend.match((r) => r.url.startsWith('/api/v1/users/me'));
    expect(retried.length).toBe(2);
    for (const request of retried) {
      expect(request.request.headers.get('Authorization')).toBe('Bearer access-2');
      request.flush({ ok: true });
    }
    expect(results).toEqual([{ ok: true }, { ok: true }]);
  });

  it('ends the session and goes to the sign-in page when the refresh is refused', async () => {
    await signIn();
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    let failed = false;
    http.get('/api/v1/users/me').subscribe({ error: () => (failed = true) });
    backend.expectOne('/api/v1/users/me').flush({}, { status: 401, statusText: 'Unauthorized' });
    await settle();
    backend.expectOne('/api/v1/auth/sessions/refresh').flush({}, { status: 401, statusText: 'Unauthorized' });
    await settle();
    expect(failed).toBe(true);
    expect(auth.user()).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/sign-in'], expect.anything());
  });

  it('keeps the session when the refresh cannot reach the API', async () => {
    await signIn();
    let failed: unknown = null;
    http.get('/api/v1/users/me').subscribe({ error: (error: unknown) => (failed = error) });
    backend.expectOne('/api/v1/users/me').flush({}, { status: 401, statusText: 'Unauthorized' });
    await settle();
    backend.expectOne('/api/v1/auth/sessions/refresh').error(new ProgressEvent('error'));
    await settle();
    expect(failed).toMatchObject({ status: 401 });
    expect(auth.isAuthenticated()).toBe(true);
    expect(localStorage.getItem('ycyw.session')).toBe('1');
  });

  it('retries with a token another tab got meanwhile, without refreshing again', async () => {
    await signIn();
    let body: unknown = null;
    http.get('/api/v1/users/me').subscribe((answer) => (body = answer));
    const first = backend.expectOne('/api/v1/users/me');
    // Another tab's refresh lands while the call is on its way.
    new FakeChannel('ycyw.session').postMessage({ type: 'session', session: session('access-from-tab-2') });
    await settle();
    first.flush({}, { status: 401, statusText: 'Unauthorized' });
    await settle();
    backend.expectNone('/api/v1/auth/sessions/refresh');
    const retried = backend.expectOne('/api/v1/users/me');
    expect(retried.request.headers.get('Authorization')).toBe('Bearer access-from-tab-2');
    retried.flush({ ok: true });
    expect(body).toEqual({ ok: true });
  });

  it('restores the session at start only when this browser had one', async () => {
    await auth.restore();
    backend.expectNone('/api/v1/auth/sessions/refresh');
    expect(auth.status()).toBe('anonymous');

    TestBed.resetTestingModule();
    localStorage.setItem('ycyw.session', '1');
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    const fresh = TestBed.inject(AuthService);
    const restoring = fresh.restore();
    await settle();
    TestBed.inject(HttpTestingController).expectOne('/api/v1/auth/sessions/refresh').flush(session('access-3'));
    await restoring;
    expect(fresh.status()).toBe('authenticated');
    expect(fresh.token()).toBe('access-3');
  });

  it('signs out on the server and forgets the session even if the call fails', async () => {
    await signIn();
    auth.signOut().subscribe({ error: () => undefined });
    const request = backend.expectOne('/api/v1/auth/sessions/current');
    expect(request.request.method).toBe('DELETE');
    expect(request.request.withCredentials).toBe(true);
    request.flush({}, { status: 500, statusText: 'Error' });
    expect(auth.isAuthenticated()).toBe(false);
    expect(localStorage.getItem('ycyw.session')).toBeNull();
  });
});

describe('session across the tabs of a browser', () => {
  let backend: HttpTestingController;
  let locks: FakeLocks;
  const tabs: EnvironmentInjector[] = [];

  @Component({ template: '' })
  class Page {}

  beforeEach(() => {
    localStorage.clear();
    locks = installTabApis();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'account', canActivate: [authGuard], component: Page },
          { path: 'agencies', component: Page },
          { path: 'sign-in', component: Page },
        ]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    backend.verify();
    for (const tab of tabs.splice(0)) tab.destroy();
    removeTabApis();
  });

  /** Another tab: its own session and channel, the same cookie jar (the same HTTP backend). */
  function openTab(): AuthService {
    const tab = createEnvironmentInjector([AuthService, SessionSync], TestBed.inject(EnvironmentInjector));
    tabs.push(tab);
    return tab.get(AuthService);
  }

  it('three tabs restoring at once refresh once, one after the other, and share the token', async () => {
    localStorage.setItem('ycyw.session', '1');
    const [a, b, c] = [openTab(), openTab(), openTab()];
    const restoring = Promise.all([a.restore(), b.restore(), c.restore()]);
    await settle();
    // One refresh at a time: the others wait for the lock.
    const first = backend.match('/api/v1/auth/sessions/refresh');
    expect(first.length).toBe(1);
    first[0].flush(session('access-1'));
    await restoring;
    backend.expectNone('/api/v1/auth/sessions/refresh');
    expect([a.token(), b.token(), c.token()]).toEqual(['access-1', 'access-1', 'access-1']);
    expect([a.status(), b.status(), c.status()]).toEqual(['authenticated', 'authenticated', 'authenticated']);
    expect(locks.held).toEqual([]);
  });

  it('tabs whose calls get a 401 at once take turns: no two refreshes overlap', async () => {
    const [a, b] = [openTab(), openTab()];
    const refreshes = [a.refresh(), b.refresh()].map((r) => firstValueFrom(r));
    await settle();
    const first = backend.match('/api/v1/auth/sessions/refresh');
    expect(first.length).toBe(1);
    expect(locks.held).toEqual(['ycyw.refresh']);
    first[0].flush(session('access-2'));
    expect(await Promise.all(refreshes)).toEqual(['access-2', 'access-2']);
    backend.expectNone('/api/v1/auth/sessions/refresh');
  });

  it('a tab that heard nothing meanwhile refreshes in its turn, after the other one’s answer', async () => {
    const [a, b] = [openTab(), openTab()];
    const fromA = firstValueFrom(a.refresh());
    await settle();
    const refreshOfA = backend.expectOne('/api/v1/auth/sessions/refresh');
    // b asks while a holds the lock; a's answer never reaches b (say, no BroadcastChannel).
    FakeChannel.open.clear();
    const fromB = firstValueFrom(b.refresh());
    await settle();
    backend.expectNone('/api/v1/auth/sessions/refresh');
    refreshOfA.flush(session('access-3'));
    expect(await fromA).toBe('access-3');
    await settle();
    backend.expectOne('/api/v1/auth/sessions/refresh').flush(session('access-4'));
    expect(await fromB).toBe('access-4');
  });

  it('a sign-out in one tab signs the others out, leaving the pages that need a session', async () => {
    const router = TestBed.inject(Router);
    localStorage.setItem('ycyw.session', '1');
    const [a, b] = [openTab(), TestBed.inject(AuthService)];
    const restoring = Promise.all([a.restore(), b.restore()]);
    await settle();
    backend.expectOne('/api/v1/auth/sessions/refresh').flush(session('access-5'));
    await restoring;
    await router.navigateByUrl('/account');
    expect(router.url).toBe('/account');

    a.signOut().subscribe();
    backend.expectOne('/api/v1/auth/sessions/current').flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    await settle();
    expect(a.isAuthenticated()).toBe(false);
    expect(b.isAuthenticated()).toBe(false);
    expect(router.url).toBe('/sign-in?returnUrl=%2Faccount');
    expect(TestBed.inject(Notices).current()?.key).toBe('notices.signedOutElsewhere');
  });

  it('a sign-out elsewhere leaves a public page where it is, with a notice', async () => {
    const router = TestBed.inject(Router);
    const b = TestBed.inject(AuthService);
    const restoring = firstValueFrom(b.refresh());
    await settle();
    backend.expectOne('/api/v1/auth/sessions/refresh').flush(session('access-6'));
    await restoring;
    await router.navigateByUrl('/agencies');
    new FakeChannel('ycyw.session').postMessage({ type: 'signed-out' });
    await settle();
    expect(b.isAuthenticated()).toBe(false);
    expect(router.url).toBe('/agencies');
    expect(TestBed.inject(Notices).current()?.key).toBe('notices.signedOutElsewhere');
  });
});

describe('route guards', () => {
  const state = (url: string) => ({ url }) as RouterStateSnapshot;
  const route = {} as ActivatedRouteSnapshot;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  });

  const run = (guard: typeof authGuard, url: string) => TestBed.runInInjectionContext(() => guard(route, state(url)));

  it('send visitors to the sign-in page with a way back', async () => {
    const result = (await run(authGuard, '/account/privacy')) as UrlTree;
    expect(TestBed.inject(Router).serializeUrl(result)).toBe('/sign-in?returnUrl=%2Faccount%2Fprivacy');
  });

  it('let signed-in users through, by role', async () => {
    TestBed.inject(AuthService).user.set(user('agent'));
    expect(await run(authGuard, '/account')).toBe(true);
    expect(await run(roleGuard('agent'), '/agent')).toBe(true);
    const refused = await run(roleGuard('support'), '/support/inbox');
    expect(refused).not.toBe(true);
    const guest = (await run(guestGuard, '/sign-in')) as UrlTree;
    expect(TestBed.inject(Router).serializeUrl(guest)).toBe('/agent');
  });

  it('land each role on its own start page', () => {
    expect(landingFor('client')).toBe('/reservations');
    expect(landingFor('support')).toBe('/console');
    expect(landingFor('agent')).toBe('/agent');
  });

  it('match the staff areas for their role only, so that other users never load their chunks', async () => {
    const match = (guard: ReturnType<typeof roleMatch>, path: string) =>
      TestBed.runInInjectionContext(() => guard({}, [new UrlSegment(path, {})]));
    const visitor = (await match(roleMatch('support'), 'console')) as UrlTree;
    expect(TestBed.inject(Router).serializeUrl(visitor)).toBe('/sign-in?returnUrl=%2Fconsole');
    TestBed.inject(AuthService).user.set(user('client'));
    expect(await match(roleMatch('support'), 'console')).toBe(false);
    expect(await match(roleMatch('agent'), 'agent')).toBe(false);
    TestBed.inject(AuthService).user.set(user('support'));
    expect(await match(roleMatch('support'), 'console')).toBe(true);
  });

  it('only return to paths inside the app', () => {
    expect(safeReturnUrl('/account/privacy')).toBe('/account/privacy');
    expect(safeReturnUrl('//evil.example')).toBe('/account');
    expect(safeReturnUrl('https://evil.example')).toBe('/account');
    expect(safeReturnUrl('/\\evil.example')).toBe('/account');
    expect(safeReturnUrl(undefined)).toBe('/account');
  });
});
