import { afterEach, describe, expect, it } from "vitest";

import { DEMO, FakeAuthServer, FakeLockManager, MemoryStorage } from "../../test/fakeAuthServer";
import { AUTH_PATHS, AuthClient } from "./apiClient";
import {
  type TabLock,
  broadcastTabChannel,
  singleTabLock,
  storageTabLock,
  webLocksTabLock,
} from "./tabSync";

const clients: AuthClient[] = [];
let channelSerial = 0;

afterEach(() => {
  for (const client of clients.splice(0)) {
    client.dispose();
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run `count` overlapping tasks through `locks` and record how many ran at once. */
async function maxConcurrency(locks: TabLock[], taskMs = 30) {
  let running = 0;
  let peak = 0;
  const contended: boolean[] = [];
  await Promise.all(
    locks.map((lock) =>
      lock.run(async (context) => {
        contended.push(context.contended);
        running += 1;
        peak = Math.max(peak, running);
        await sleep(taskMs);
        running -= 1;
      }),
    ),
  );
  return { peak, contended };
}

describe("Web Locks tab lock", () => {
  it("lets one tab at a time in and tells the others they waited", async () => {
    const locks = new FakeLockManager();

    const { peak, contended } = await maxConcurrency([webLocksTabLock(locks), webLocksTabLock(locks), webLocksTabLock(locks)]);

    expect(peak).toBe(1);
    expect(contended).toEqual([false, true, true]);
  });
});

describe("localStorage fallback lock", () => {
  it("lets one tab at a time in and tells the others they waited", async () => {
    const storage = new MemoryStorage();

    const { peak, contended } = await maxConcurrency([storageTabLock(storage), storageTabLock(storage), storageTabLock(storage)]);

    expect(peak).toBe(1);
    expect(contended.filter(Boolean)).toHaveLength(2);
    expect(storage.length).toBe(0);
  });

  it("takes over a lease left by a tab that was closed while holding it", async () => {
    const storage = new MemoryStorage();
    storage.setItem("auth:refresh", `gone-tab ${Date.now() - 1}`);

    const ran = await storageTabLock(storage).run(async (context) => context);

    expect(ran).toEqual({ contended: false });
  });

  it("waits for a live lease to be released", async () => {
    const storage = new MemoryStorage();
    storage.setItem("auth:refresh", `other-tab ${Date.now() + 60_000}`);
    setTimeout(() => storage.removeItem("auth:refresh"), 120);
    const started = Date.now();

    const ran = await storageTabLock(storage).run(async (context) => context);

    expect(ran).toEqual({ contended: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });
});

/** Tabs of one browser: one cookie jar, one lock, one channel name. */
function browserWith(makeLock: () => TabLock) {
  const server = new FakeAuthServer();
  const channelName = `tabs-test-${++channelSerial}`;
  const openTab = () => {
    const client = new AuthClient({
      apiUrl: server.origin,
      fetch: server.fetch,
      lock: makeLock(),
      channel: broadcastTabChannel(channelName),
      handoffWaitMs: 300,
    });
    clients.push(client);
    return client;
  };
  return { server, openTab };
}

async function twoSignedInTabs(makeLock: () => TabLock) {
  const { server, openTab } = browserWith(makeLock);
  const first = openTab();
  const second = openTab();
  await first.login(DEMO.username, DEMO.password);
  await sleep(20); // the second tab hears about the login
  return { server, first, second };
}

describe.each([
  ["Web Locks", () => new FakeLockManager(), (locks: FakeLockManager) => webLocksTabLock(locks)],
  ["the localStorage fallback", () => new MemoryStorage(), (storage: MemoryStorage) => storageTabLock(storage)],
] as const)("two tabs coordinated by %s", (_name, makeShared, makeLock) => {
  it("share the token of one login", async () => {
    const shared = makeShared() as FakeLockManager & MemoryStorage;
    const { first, second } = await twoSignedInTabs(() => makeLock(shared));

    expect(second.session.accessToken).toBe(first.session.accessToken);
    expect(second.session.getSnapshot().user?.username).toBe(DEMO.username);
  });

  it("refresh once when both meet an expired token at the same moment", async () => {
    const shared = makeShared() as FakeLockManager & MemoryStorage;
    const { server, first, second } = await twoSignedInTabs(() => makeLock(shared));
    server.advance(9_000);

    const [a, b] = await Promise.all([first.getJson("/api/me/"), second.getJson("/api/me/")]);

    expect(a).toEqual(b);
    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
    expect(second.session.accessToken).toBe(first.session.accessToken);
    expect(server.cookie).not.toBeNull(); // the session was not revoked as reused
  });

  it("never put a token in storage", async () => {
    const storage = new MemoryStorage();
    const { server, first, second } = await twoSignedInTabs(() => storageTabLock(storage));
    server.advance(9_000);
    const seen: string[] = [];
    const setItem = storage.setItem.bind(storage);
    storage.setItem = (key, value) => {
      seen.push(value);
      setItem(key, value);
    };

    await Promise.all([first.getJson("/api/me/"), second.getJson("/api/me/")]);

    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((value) => value.includes(first.session.accessToken!))).toBe(false);
  });
});

describe("two tabs", () => {
  it("without a lock both refresh with the same cookie, and the reuse ends the session", async () => {
    const { server, first, second } = await twoSignedInTabs(() => singleTabLock);
    server.advance(9_000);

    const results = await Promise.allSettled([first.getJson("/api/me/"), second.getJson("/api/me/")]);

    expect(server.count(AUTH_PATHS.refresh)).toBe(2);
    expect(results.map((result) => result.status)).toContain("rejected");
  });

  it("hand a refreshed token to the other tab, which then needs no refresh", async () => {
    const locks = new FakeLockManager();
    const { server, first, second } = await twoSignedInTabs(() => webLocksTabLock(locks));
    server.advance(9_000);

    await first.getJson("/api/me/");
    await sleep(20);
    await second.getJson("/api/me/");

    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
    expect(second.session.accessToken).toBe(first.session.accessToken);
  });

  it("end the session in every tab when one logs out", async () => {
    const locks = new FakeLockManager();
    const { first, second } = await twoSignedInTabs(() => webLocksTabLock(locks));

    await first.logout();
    await sleep(20);

    expect(first.session.getSnapshot()).toMatchObject({ status: "anonymous", endReason: "signed_out" });
    expect(second.session.getSnapshot()).toMatchObject({
      status: "anonymous",
      accessToken: null,
      endReason: "signed_out_elsewhere",
    });
  });

  it("end the session in every tab when a refresh is rejected", async () => {
    const locks = new FakeLockManager();
    const { server, first, second } = await twoSignedInTabs(() => webLocksTabLock(locks));
    server.revokeAllSessions();

    await expect(first.getJson("/api/me/")).rejects.toMatchObject({ reason: "session_revoked" });
    await sleep(20);

    expect(second.session.getSnapshot()).toMatchObject({ status: "anonymous", endReason: "session_revoked" });
  });
});
