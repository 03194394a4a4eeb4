import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, Router, RouterStateSnapshot, UrlTree, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';

import type { SessionResponse, User } from '../api/models';
import { authInterceptor } from './auth.interceptor';
import { AuthService } from './auth.service';
import { authGuard, guestGuard, roleGuard, safeReturnUrl } from './guards';

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
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthService);
  });

  afterEach(() => backend.verify());

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
    const refresh = backend.match('/api/v1/auth/sessions/refresh');
    expect(refresh.length).toBe(1);
    expect(refresh[0].request.withCredentials).toBe(true);
    refresh[0].flush(session('access-2'));
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
    backend.expectOne('/api/v1/auth/sessions/refresh').flush({}, { status: 401, statusText: 'Unauthorized' });
    expect(failed).toBe(true);
    expect(auth.user()).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/sign-in'], expect.anything());
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
    expect(TestBed.inject(Router).serializeUrl(guest)).toBe('/account');
  });

  it('only return to paths inside the app', () => {
    expect(safeReturnUrl('/account/privacy')).toBe('/account/privacy');
    expect(safeReturnUrl('//evil.example')).toBe('/account');
    expect(safeReturnUrl('https://evil.example')).toBe('/account');
    expect(safeReturnUrl('/\\evil.example')).toBe('/account');
    expect(safeReturnUrl(undefined)).toBe('/account');
  });
});
