import { TestBed } from '@angular/core/testing';

import type { SessionResponse } from '../api/models';
import { LEASE_MS, SessionSync, withLease } from './session-sync';

const session = { accessToken: 'secret-access', tokenType: 'Bearer', expiresIn: 900, user: { id: 'u1' } } as unknown as SessionResponse;

describe('the refresh lock without the Web Locks API (localStorage lease)', () => {
  beforeEach(() => localStorage.clear());

  it('runs the tasks of two tabs one after the other', async () => {
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} starts`);
      await new Promise((resolve) => setTimeout(resolve, 60));
      log.push(`${name} ends`);
      return name;
    };
    const results = await Promise.all([withLease(localStorage, task('a')), withLease(localStorage, task('b'))]);
    expect(results).toEqual(['a', 'b']);
    expect(log).toEqual(['a starts', 'a ends', 'b starts', 'b ends']);
    expect(localStorage.getItem('ycyw.refresh-lease')).toBeNull();
  });

  it('takes over the lease of a tab that died holding it', async () => {
    localStorage.setItem('ycyw.refresh-lease', JSON.stringify({ owner: 'gone', until: Date.now() - 1 }));
    expect(await withLease(localStorage, async () => 'ran')).toBe('ran');
  });

  it('waits for a live lease, then goes on', async () => {
    const now = Date.now();
    localStorage.setItem('ycyw.refresh-lease', JSON.stringify({ owner: 'other-tab', until: now + LEASE_MS }));
    let ran = false;
    const running = withLease(localStorage, async () => (ran = true));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(ran).toBe(false);
    localStorage.removeItem('ycyw.refresh-lease');
    await running;
    expect(ran).toBe(true);
  });

  it('releases the lease when the task fails', async () => {
    await expect(withLease(localStorage, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(localStorage.getItem('ycyw.refresh-lease')).toBeNull();
  });
});

describe('SessionSync without BroadcastChannel', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.stubGlobal('BroadcastChannel', undefined);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('tells sign-outs through localStorage, never tokens', () => {
    const sync = TestBed.inject(SessionSync);
    sync.publish({ type: 'session', session });
    expect(JSON.stringify(localStorage)).not.toContain('secret-access');
    sync.publish({ type: 'signed-out' });
    expect(localStorage.getItem('ycyw.signed-out')).toMatch(/^\d+$/);
  });

  it('hears sign-outs of other tabs through storage events', () => {
    const sync = TestBed.inject(SessionSync);
    const heard: string[] = [];
    sync.messages.subscribe((message) => heard.push(message.type));
    window.dispatchEvent(new StorageEvent('storage', { key: 'ycyw.session', newValue: null }));
    window.dispatchEvent(new StorageEvent('storage', { key: 'ycyw.signed-out', newValue: String(Date.now()) }));
    expect(heard).toEqual(['signed-out']);
  });
});

describe('SessionSync with BroadcastChannel', () => {
  it('ignores messages that are not about the session', async () => {
    const sync = TestBed.inject(SessionSync);
    const heard: unknown[] = [];
    sync.messages.subscribe((message) => heard.push(message));
    const other = new BroadcastChannel('ycyw.session');
    other.postMessage({ type: 'session', session: { accessToken: 42 } });
    other.postMessage('hello');
    other.postMessage({ type: 'session', session });
    await vi.waitFor(() => expect(heard.length).toBe(1));
    expect(heard).toEqual([{ type: 'session', session }]);
    other.close();
  });
});
