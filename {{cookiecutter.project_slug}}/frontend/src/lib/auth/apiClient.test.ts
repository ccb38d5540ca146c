import { afterEach, describe, expect, it } from "vitest";

import { DEMO, FakeAuthServer, FakeLockManager } from "../../test/fakeAuthServer";
import { AUTH_PATHS, AuthClient } from "./apiClient";
import { ApiError, NetworkError, SessionEndedError } from "./errors";
import { type TabMessage, broadcastTabChannel, webLocksTabLock } from "./tabSync";

const clients: AuthClient[] = [];
let channelSerial = 0;

afterEach(() => {
  for (const client of clients.splice(0)) {
    client.dispose();
  }
});

/** A browser with one cookie jar, one lock manager and one broadcast channel name. */
function browser(server = new FakeAuthServer()) {
  const locks = new FakeLockManager();
  const channelName = `auth-test-${++channelSerial}`;
  const openTab = () => {
    const client = new AuthClient({
      apiUrl: server.origin,
      fetch: server.fetch,
      lock: webLocksTabLock(locks),
      channel: broadcastTabChannel(channelName),
      handoffWaitMs: 200,
    });
    clients.push(client);
    return client;
  };
  /** Everything the tabs say to each other, as a third listener would hear it. */
  const heard: TabMessage[] = [];
  const listener = broadcastTabChannel(channelName);
  listener.subscribe((message) => heard.push(message));
  clients.push({ dispose: () => listener.close() } as AuthClient);
  return { server, locks, openTab, heard };
}

async function signedInTab() {
  const context = browser();
  const tab = context.openTab();
  await tab.login(DEMO.username, DEMO.password);
  return { ...context, tab };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("requests", () => {
  it("send the access token from memory, the CSRF header and cookies", async () => {
    const { server, tab } = await signedInTab();

    await tab.getJson("/api/me/");

    const me = server.requests.at(-1)!;
    expect(me.path).toBe("/api/me/");
    expect(me.headers.get("Authorization")).toBe(`Bearer ${tab.session.accessToken}`);
    expect(me.headers.get("X-Requested-With")).toBe("XMLHttpRequest");
    expect(me.credentials).toBe("include");
  });

  it("pick up a fresher token from X-New-Access-Token and share it", async () => {
    const { server, tab, heard } = await signedInTab();
    const first = tab.session.accessToken;
    server.advance(6_000); // inside the 3 s silent-refresh threshold

    await tab.getJson("/api/me/");
    await settle();

    expect(tab.session.accessToken).not.toBe(first);
    expect(server.count(AUTH_PATHS.refresh)).toBe(0);
    expect(heard.at(-1)).toEqual({ type: "access", accessToken: tab.session.accessToken, user: expect.anything() });
    await tab.getJson("/api/me/");
    expect(server.requests.at(-1)!.headers.get("Authorization")).toBe(`Bearer ${tab.session.accessToken}`);
  });

  it("report an unreachable server as a NetworkError", async () => {
    const { server, tab } = await signedInTab();
    server.offline = true;

    await expect(tab.getJson("/api/me/")).rejects.toBeInstanceOf(NetworkError);
    expect(tab.session.getSnapshot().status).toBe("authenticated");
  });
});

describe("refresh on 401", () => {
  it("renews an expired access token once and replays the call", async () => {
    const { server, tab } = await signedInTab();
    server.advance(9_000);

    const me = await tab.getJson<{ username: string }>("/api/me/");

    expect(me.username).toBe(DEMO.username);
    expect(server.requests.map((request) => request.path)).toEqual([
      AUTH_PATHS.login,
      "/api/me/",
      AUTH_PATHS.refresh,
      "/api/me/",
    ]);
  });

  it("sends the refresh call with the cookie and CSRF header but no Authorization", async () => {
    const { server, tab } = await signedInTab();
    server.advance(9_000);

    await tab.getJson("/api/me/");

    const refresh = server.requests.find((request) => request.path === AUTH_PATHS.refresh)!;
    expect(refresh.method).toBe("POST");
    expect(refresh.headers.has("Authorization")).toBe(false);
    expect(refresh.headers.get("X-Requested-With")).toBe("XMLHttpRequest");
    expect(refresh.credentials).toBe("include");
  });

  it("makes one refresh for many concurrent 401s (single flight), then replays each once", async () => {
    const { server, tab } = await signedInTab();
    server.advance(9_000);

    const results = await Promise.all(Array.from({ length: 5 }, () => tab.getJson("/api/me/")));

    expect(results).toHaveLength(5);
    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
    expect(server.count("/api/me/")).toBe(10);
  });

  it("ends the session without retrying when the refresh is rejected", async () => {
    const { server, tab, heard } = await signedInTab();
    server.cookie = null; // the refresh cookie expired
    server.advance(9_000);

    const failure = tab.getJson("/api/me/");

    await expect(failure).rejects.toBeInstanceOf(SessionEndedError);
    await expect(failure).rejects.toMatchObject({ reason: "session_expired" });
    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
    expect(tab.session.getSnapshot()).toMatchObject({ status: "anonymous", accessToken: null, endReason: "session_expired" });
    await settle();
    expect(heard.at(-1)).toEqual({ type: "signed_out", reason: "session_expired" });
  });

  it("says the session was revoked when the server revoked it", async () => {
    const { server, tab } = await signedInTab();
    server.revokeAllSessions();

    await expect(tab.getJson("/api/me/")).rejects.toMatchObject({ reason: "session_revoked" });
    expect(tab.session.getSnapshot().endReason).toBe("session_revoked");
    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
  });

  it("keeps the session when the refresh cannot reach the server", async () => {
    const { server, tab } = await signedInTab();
    server.advance(9_000);
    const { fetch } = server;
    server.fetch = async (input, init) => {
      if (String(input).endsWith(AUTH_PATHS.refresh)) {
        throw new TypeError("Failed to fetch");
      }
      return fetch(input, init);
    };
    const client = new AuthClient({
      apiUrl: server.origin,
      fetch: server.fetch,
      lock: webLocksTabLock(new FakeLockManager()),
      channel: broadcastTabChannel(`offline-${channelSerial}`),
      session: tab.session,
    });
    clients.push(client);

    await expect(client.getJson("/api/me/")).rejects.toBeInstanceOf(NetworkError);
    expect(tab.session.getSnapshot().status).toBe("authenticated");
  });

  it("does not refresh for a call made without a session", async () => {
    const { server, openTab } = browser();
    const tab = openTab();

    const response = await tab.request("/api/me/");

    expect(response.status).toBe(401);
    expect(server.count(AUTH_PATHS.refresh)).toBe(0);
  });
});

describe("login", () => {
  it("keeps the access token in memory and the user, without an Authorization header", async () => {
    const { server, openTab } = browser();
    const tab = openTab();

    const result = await tab.login(DEMO.username, DEMO.password);

    expect(result.kind).toBe("signed_in");
    const user = result.kind === "signed_in" ? result.user : null;
    expect(user?.username).toBe(DEMO.username);
    expect(tab.session.getSnapshot()).toMatchObject({ status: "authenticated", user });
    expect(tab.session.getSnapshot().expiresAt).toBeGreaterThan(Date.now());
    const login = server.requests[0]!;
    expect(login.headers.has("Authorization")).toBe(false);
    expect(login.headers.get("Content-Type")).toBe("application/json");
    expect(JSON.parse(login.body!)).toEqual({ username: DEMO.username, password: DEMO.password });
  });

  it("with a second factor, signs in only once the code is accepted", async () => {
    const { server, openTab } = browser();
    server.totpCode = "123456";
    const tab = openTab();

    const result = await tab.login(DEMO.username, DEMO.password);

    expect(result).toMatchObject({ kind: "second_step", step: "verify", methods: ["totp", "recovery_code"] });
    expect(tab.session.getSnapshot().status).not.toBe("authenticated");
    expect(server.cookie).toBeNull(); // no refresh cookie before the second step
    await expect(tab.finishSignIn("000000")).rejects.toMatchObject({ code: "mfa_code_invalid" });
    expect(tab.session.accessToken).toBeNull();
    const { user, recoveryCodes } = await tab.finishSignIn("123456");
    expect(user.username).toBe(DEMO.username);
    expect(recoveryCodes).toBeNull();
    expect(tab.session.getSnapshot()).toMatchObject({ status: "authenticated", user });
    const verify = server.requests.find((request) => request.path === "/api/auth/mfa/verify/")!;
    expect(verify.headers.has("Authorization")).toBe(false);
    expect(verify.credentials).toBe("include"); // the challenge cookie goes along
  });

  it("rejects bad credentials with the backend's code", async () => {
    const { openTab } = browser();
    const tab = openTab();

    const failure = tab.login(DEMO.username, "wrong");

    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
  });

  it("reports throttling with Retry-After", async () => {
    const { server, openTab } = browser();
    server.loginRetryAfter = 42;

    await expect(openTab().login(DEMO.username, DEMO.password)).rejects.toMatchObject({
      status: 429,
      code: "throttled",
      retryAfter: 42,
    });
  });
});

describe("restoring the session on page load", () => {
  it("trades the refresh cookie for an access token, once however often asked", async () => {
    const { server, openTab } = await signedInTab();
    const reloaded = openTab();

    const results = await Promise.all([reloaded.restoreSession(), reloaded.restoreSession()]);

    expect(results).toEqual(["restored", "restored"]);
    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
    expect(reloaded.session.getSnapshot()).toMatchObject({ status: "authenticated", user: { username: DEMO.username } });
  });

  it("leaves a visitor without a cookie signed out, with no message", async () => {
    const { openTab } = browser();
    const tab = openTab();

    expect(await tab.restoreSession()).toBe("anonymous");
    expect(tab.session.getSnapshot()).toMatchObject({ status: "anonymous", endReason: null });
  });

  it("says when the server cannot be reached", async () => {
    const { server, openTab } = browser();
    server.offline = true;

    expect(await openTab().restoreSession()).toBe("offline");
  });

  it("lets calls made during the restore wait for its token", async () => {
    const { server, openTab } = await signedInTab();
    const reloaded = openTab();

    const restoring = reloaded.restoreSession();
    const me = reloaded.getJson("/api/me/");

    await expect(me).resolves.toMatchObject({ username: DEMO.username });
    await restoring;
    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
  });
});

describe("logout", () => {
  it("revokes the session with the cookie alone and clears the token", async () => {
    const { server, tab } = await signedInTab();
    server.advance(60_000); // an expired access token must not block logout

    await tab.logout();

    const logout = server.requests.at(-1)!;
    expect(logout.path).toBe(AUTH_PATHS.logout);
    expect(logout.headers.has("Authorization")).toBe(false);
    expect(logout.headers.get("X-Requested-With")).toBe("XMLHttpRequest");
    expect(server.cookie).toBeNull();
    expect(tab.session.getSnapshot()).toMatchObject({ status: "anonymous", endReason: "signed_out" });
  });

  it("keeps the session when the server cannot be reached", async () => {
    const { server, tab } = await signedInTab();
    server.offline = true;

    await expect(tab.logout()).rejects.toBeInstanceOf(NetworkError);
    expect(tab.session.getSnapshot().status).toBe("authenticated");
  });
});
