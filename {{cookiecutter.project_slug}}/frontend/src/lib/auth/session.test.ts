import { describe, expect, it } from "vitest";

import { makeJwt } from "../../test/fakeAuthServer";
import { SessionStore, accessTokenTiming } from "./session";

const user = { id: 1, username: "demo", email: "demo@example.com", email_verified: true };

describe("accessTokenTiming", () => {
  it("counts the lifetime from arrival, whatever the browser's clock says", () => {
    const serverNow = 1_700_000_000;
    const token = makeJwt({ iat: serverNow, exp: serverNow + 900 });
    const skewedBrowserClock = (serverNow - 3_600) * 1000; // an hour behind

    expect(accessTokenTiming(token, skewedBrowserClock)).toEqual({
      expiresAt: skewedBrowserClock + 900_000,
      lifetimeMs: 900_000,
    });
  });

  it("falls back to exp alone without iat", () => {
    const token = makeJwt({ exp: 2_000 });
    expect(accessTokenTiming(token, 1_500_000)).toEqual({ expiresAt: 2_000_000, lifetimeMs: 500_000 });
  });

  it("returns null for something that is not a JWT", () => {
    expect(accessTokenTiming("not-a-token", Date.now())).toBeNull();
  });
});

describe("SessionStore", () => {
  it("notifies subscribers of a new token and of the end of the session", () => {
    const store = new SessionStore();
    const statuses: string[] = [];
    store.subscribe((state) => statuses.push(state.status));

    store.setAccessToken(makeJwt({ iat: 1, exp: 2 }), user);
    store.clear("session_expired");

    expect(statuses).toEqual(["authenticated", "anonymous"]);
    expect(store.getSnapshot()).toMatchObject({ user: null, accessToken: null, endReason: "session_expired" });
  });

  it("hands over a token set by someone else while waiting", async () => {
    const store = new SessionStore();
    const stale = makeJwt({ iat: 0, exp: 10, jti: "old" });
    const fresh = makeJwt({ iat: 0, exp: 10, jti: "new" });
    store.setAccessToken(stale, user);

    const waiting = store.waitForTokenOtherThan(stale, 500);
    store.setAccessToken(fresh);

    await expect(waiting).resolves.toBe(fresh);
  });

  it("gives up waiting after the timeout", async () => {
    const store = new SessionStore();
    await expect(store.waitForTokenOtherThan(null, 20)).resolves.toBeNull();
  });
});
