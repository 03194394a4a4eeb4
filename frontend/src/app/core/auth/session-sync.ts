import { DOCUMENT, DestroyRef, Injectable, inject } from '@angular/core';
import { Observable, Subject } from 'rxjs';

import type { SessionResponse } from '../api/models';

/** What a tab tells the others of the same browser about the session. */
export type SessionMessage =
  /** A new access token (after a refresh or a sign-in): the others use it instead of refreshing. */
  | { type: 'session'; session: SessionResponse }
  /** The session ended (sign-out, deleted account, refused refresh): the others forget it too. */
  | { type: 'signed-out' };

const CHANNEL = 'ycyw.session';
const LOCK = 'ycyw.refresh';
/** Fallback lock (no Web Locks API): `{ owner, until }` in localStorage. */
const LEASE_KEY = 'ycyw.refresh-lease';
/** Fallback sign-out signal (no BroadcastChannel): a time stamp in localStorage, never a token. */
const SIGNED_OUT_KEY = 'ycyw.signed-out';

/** How long a fallback lease lasts if its tab dies while holding it. */
export const LEASE_MS = 10_000;
/** How long a tab waits for another tab's fallback lease before refreshing anyway. */
export const LEASE_WAIT_MS = 12_000;
/**
 * After writing its lease, how long a tab waits before reading it back (another tab may write
 * too). Chromium syncs localStorage between renderer processes asynchronously: on a loaded
 * machine a write took more than 40 ms to reach the other tabs, two tabs both read their own
 * lease back and refreshed at once. Only browsers without Web Locks pay this wait.
 */
const LEASE_SETTLE_MS = 250;
const LEASE_POLL_MS = 50;

interface Lease {
  owner: string;
  until: number;
}

/**
 * The tabs of one browser share one refresh cookie, and the API revokes the whole session when
 * a rotated refresh token is used again: two tabs refreshing at once would sign the user out.
 * {@link SessionSync.exclusive} runs the refresh under a browser-wide lock (Web Locks API, or a
 * localStorage lease where it is missing), and {@link SessionSync.publish} shares the new access
 * token and sign-outs with the other tabs (BroadcastChannel; without it, sign-outs only, through
 * a localStorage `storage` event: tokens never go to storage).
 */
@Injectable({ providedIn: 'root' })
export class SessionSync {
  private readonly window = inject(DOCUMENT).defaultView;
  private readonly storage = safeStorage(this.window);
  private readonly channel = this.window && typeof this.window.BroadcastChannel === 'function' ? new this.window.BroadcastChannel(CHANNEL) : null;
  private readonly received = new Subject<SessionMessage>();

  /** What the other tabs publish. */
  readonly messages: Observable<SessionMessage> = this.received.asObservable();

  constructor() {
    const onMessage = (event: MessageEvent) => {
      if (isSessionMessage(event.data)) this.received.next(event.data);
    };
    const onStorage = (event: StorageEvent) => {
      if (event.key === SIGNED_OUT_KEY && event.newValue !== null) this.received.next({ type: 'signed-out' });
    };
    this.channel?.addEventListener('message', onMessage);
    this.window?.addEventListener('storage', onStorage);
    inject(DestroyRef).onDestroy(() => {
      this.channel?.removeEventListener('message', onMessage);
      this.channel?.close();
      this.window?.removeEventListener('storage', onStorage);
      this.received.complete();
    });
  }

  /** Tells the other tabs (not this one). */
  publish(message: SessionMessage): void {
    if (this.channel) {
      this.channel.postMessage(message);
    } else if (message.type === 'signed-out') {
      this.storage?.setItem(SIGNED_OUT_KEY, String(Date.now()));
    }
  }

  /** Runs `task` while no other tab of this browser runs one (one refresh at a time). */
  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    const locks = this.window?.navigator.locks;
    if (locks && typeof locks.request === 'function') {
      return await locks.request(LOCK, { mode: 'exclusive' }, () => task());
    }
    return this.storage ? withLease(this.storage, task) : task();
  }
}

/**
 * The fallback lock: a lease in localStorage, taken when free or expired and read back after a
 * moment (two tabs writing at once: the last write wins, the other waits). Best effort: after
 * {@link LEASE_WAIT_MS}, a tab goes on rather than stay stuck behind a lease that is never freed.
 */
export async function withLease<T>(storage: Storage, task: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  const owner = `${now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const deadline = now() + LEASE_WAIT_MS;
  for (;;) {
    const lease = readLease(storage);
    if (!lease || lease.until <= now()) {
      storage.setItem(LEASE_KEY, JSON.stringify({ owner, until: now() + LEASE_MS } satisfies Lease));
      await delay(LEASE_SETTLE_MS);
      if (readLease(storage)?.owner === owner) break;
    } else if (now() >= deadline) {
      break;
    } else {
      await delay(LEASE_POLL_MS);
    }
  }
  try {
    return await task();
  } finally {
    if (readLease(storage)?.owner === owner) storage.removeItem(LEASE_KEY);
  }
}

function readLease(storage: Storage): Lease | null {
  try {
    const value: unknown = JSON.parse(storage.getItem(LEASE_KEY) ?? 'null');
    if (typeof value === 'object' && value !== null && 'owner' in value && 'until' in value) {
      const { owner, until } = value as Record<string, unknown>;
      if (typeof owner === 'string' && typeof until === 'number') return { owner, until };
    }
  } catch {
    // Not ours, or damaged: as if free.
  }
  return null;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isSessionMessage(data: unknown): data is SessionMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  if (message['type'] === 'signed-out') return true;
  const session = message['session'] as Record<string, unknown> | undefined;
  return message['type'] === 'session' && typeof session?.['accessToken'] === 'string' && typeof session['user'] === 'object';
}

function safeStorage(window: Window | null): Storage | null {
  try {
    return window?.localStorage ?? null;
  } catch {
    return null;
  }
}
