/**
 * Where to come back to after an account is created: the booking a visitor was making when they
 * chose to register. Registration goes through an emailed link (maybe in another tab), so the
 * address is kept in localStorage for an hour, and the next sign-in without a `returnUrl` takes it.
 */
const KEY = 'ycyw.returnUrl';
const TTL_MS = 60 * 60 * 1000;

export function rememberReturnUrl(url: string, storage: Storage | null = safeLocalStorage(), now = Date.now()): void {
  storage?.setItem(KEY, JSON.stringify({ url, at: now }));
}

/** The remembered address (once: it is forgotten), if recent and inside the app. */
export function takeReturnUrl(storage: Storage | null = safeLocalStorage(), now = Date.now()): string | null {
  const raw = storage?.getItem(KEY);
  storage?.removeItem(KEY);
  if (!raw) return null;
  try {
    const { url, at } = JSON.parse(raw) as { url?: unknown; at?: unknown };
    if (typeof url !== 'string' || typeof at !== 'number' || now - at > TTL_MS) return null;
    return url.startsWith('/') && !url.startsWith('//') ? url : null;
  } catch {
    return null;
  }
}

function safeLocalStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
