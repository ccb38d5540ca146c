/**
 * Coordination between tabs of one browser.
 *
 * All tabs share one refresh cookie, and the backend rotates it on every
 * refresh: two tabs refreshing with the same cookie at once would look like
 * token reuse after the grace window (RFC 9700, section 4.14.2) and end the
 * session. So a refresh runs under a lock held by one tab at a time, and the
 * new access token is handed to the other tabs over a BroadcastChannel.
 */
import type { SessionEndReason } from "./errors";
import type { User } from "./session";

export interface LockContext {
  /** True when another tab held the lock and this one had to wait for it. */
  contended: boolean;
}

export interface TabLock {
  run<T>(task: (context: LockContext) => Promise<T>): Promise<T>;
}

/** The part of the Web Locks API we use (navigator.locks). */
export interface LockManagerLike {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

const LOCK_NAME = "auth:refresh";

/** Web Locks API: the browser releases the lock even if the tab crashes. */
export function webLocksTabLock(locks: LockManagerLike, name = LOCK_NAME): TabLock {
  const busy = Symbol("busy");
  return {
    async run<T>(task: (context: LockContext) => Promise<T>): Promise<T> {
      const first = await locks.request<T | typeof busy>(name, { ifAvailable: true }, async (lock) =>
        lock === null ? busy : task({ contended: false }),
      );
      if (first !== busy) {
        return first as T;
      }
      return locks.request<T>(name, {}, () => task({ contended: true }));
    },
  };
}

export interface StorageLockOptions {
  name?: string;
  /** A holder that has not released the lock by then is presumed gone (closed tab). */
  ttlMs?: number;
  pollMs?: number;
  /** Time for a competing tab's write to become visible before we trust ours. */
  settleMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Fallback lock for browsers without Web Locks: a lease in localStorage.
 *
 * The value is a random tab id and an expiry time, nothing secret. Writes
 * are last-writer-wins, so a tab re-reads the key after a short settle delay
 * and only proceeds if its own id is still there. Written here because no
 * maintained library offers a small cross-tab mutex with a lease.
 */
export function storageTabLock(storage: Storage, options: StorageLockOptions = {}): TabLock {
  const key = options.name ?? LOCK_NAME;
  const ttlMs = options.ttlMs ?? 20_000;
  const pollMs = options.pollMs ?? 50;
  const settleMs = options.settleMs ?? 30;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const read = (): { owner: string; expiresAt: number } | null => {
    const [owner, expiresAt] = (storage.getItem(key) ?? "").split(" ");
    const expiry = Number(expiresAt);
    return owner && Number.isFinite(expiry) ? { owner, expiresAt: expiry } : null;
  };

  return {
    async run<T>(task: (context: LockContext) => Promise<T>): Promise<T> {
      const owner = randomId();
      let contended = false;
      for (;;) {
        const held = read();
        if (held === null || held.expiresAt <= now()) {
          storage.setItem(key, `${owner} ${now() + ttlMs}`);
          await sleep(settleMs);
          if (read()?.owner === owner) {
            break;
          }
        }
        contended = true;
        await sleep(pollMs + Math.floor(Math.random() * pollMs));
      }
      try {
        return await task({ contended });
      } finally {
        if (read()?.owner === owner) {
          storage.removeItem(key);
        }
      }
    },
  };
}

/** No other tab to coordinate with (server rendering, storage disabled). */
export const singleTabLock: TabLock = {
  run: (task) => task({ contended: false }),
};

/** The best lock this browser offers. */
export function createTabLock(): TabLock {
  if (typeof navigator !== "undefined" && navigator.locks) {
    return webLocksTabLock(navigator.locks as unknown as LockManagerLike);
  }
  const storage = usableLocalStorage();
  return storage === null ? singleTabLock : storageTabLock(storage);
}

function usableLocalStorage(): Storage | null {
  try {
    const storage = globalThis.localStorage;
    const probe = "auth:probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

function randomId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** What one tab tells the others. */
export type TabMessage =
  | { type: "access"; accessToken: string; user: User | null }
  | { type: "signed_out"; reason: SessionEndReason };

export interface TabChannel {
  post(message: TabMessage): void;
  subscribe(listener: (message: TabMessage) => void): () => void;
  close(): void;
}

const CHANNEL_NAME = "auth";

/** BroadcastChannel reaches every other same-origin tab (not the sender). */
export function broadcastTabChannel(name = CHANNEL_NAME): TabChannel {
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      const onMessage = (event: MessageEvent) => {
        if (isTabMessage(event.data)) {
          listener(event.data);
        }
      };
      channel.addEventListener("message", onMessage);
      return () => channel.removeEventListener("message", onMessage);
    },
    close: () => channel.close(),
  };
}

/**
 * Without BroadcastChannel each tab refreshes for itself; the lock above still
 * keeps those refreshes one after another, so each uses the latest cookie.
 */
export const silentTabChannel: TabChannel = {
  post: () => undefined,
  subscribe: () => () => undefined,
  close: () => undefined,
};

export function createTabChannel(): TabChannel {
  return typeof BroadcastChannel === "undefined" ? silentTabChannel : broadcastTabChannel();
}

function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const message = value as Partial<Record<string, unknown>>;
  return (
    (message.type === "access" && typeof message.accessToken === "string") ||
    (message.type === "signed_out" && typeof message.reason === "string")
  );
}
