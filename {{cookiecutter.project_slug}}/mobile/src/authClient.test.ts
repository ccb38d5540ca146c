import { describe, expect, it, vi } from "vitest";

import {
  MOBILE_PATHS,
  MobileApiError,
  MobileAuthClient,
  MobileNetworkError,
  MobileSessionEndedError,
  REFRESH_TOKEN_KEY,
} from "./authClient";
import { FakeMobileApi, memorySecureStorage } from "./mobileApi.testing";

function setup() {
  const api = new FakeMobileApi();
  const storage = memorySecureStorage();
  const onSessionEnded = vi.fn();
  const client = new MobileAuthClient({ apiUrl: api.origin, storage, fetch: api.fetch, onSessionEnded });
  return { api, storage, client, onSessionEnded };
}

async function signedIn() {
  const context = setup();
  await context.client.login("demo", "demo-password-123");
  return context;
}

describe("mobile login", () => {
  it("keeps the refresh token in secure storage and the access token in memory", async () => {
    const { api, storage, client } = await signedIn();

    expect(storage.setItemAsync).toHaveBeenCalledWith(REFRESH_TOKEN_KEY, "refresh-1");
    expect([...storage.items.values()]).not.toContain("access-1");
    await client.getJson("/api/me/");
    expect(api.requests.at(-1)!.headers.get("Authorization")).toBe("Bearer access-1");
    expect(api.requests.at(-1)!.credentials).toBe("omit");
  });

  it("with a second factor, keeps nothing until the code is accepted", async () => {
    const { api, client, storage } = setup();
    api.totpCode = "123456";

    const result = await client.login("demo", "demo-password-123");

    expect(result).toMatchObject({ kind: "second_step", step: "verify", challenge: "challenge-1" });
    expect(client.isSignedIn).toBe(false);
    expect(storage.setItemAsync).not.toHaveBeenCalled();
    await expect(client.finishSignIn("challenge-1", "000000")).rejects.toMatchObject({ status: 400, code: "mfa_code_invalid" });
    expect(client.isSignedIn).toBe(false);
    const { user, recoveryCodes } = await client.finishSignIn("challenge-1", "123456");
    expect(user.username).toBe("demo");
    expect(recoveryCodes).toBeNull();
    expect(client.isSignedIn).toBe(true);
    expect(storage.setItemAsync).toHaveBeenCalledWith(REFRESH_TOKEN_KEY, "refresh-1");
    expect(JSON.parse(JSON.stringify(api.requests.at(-1)!.body))).toEqual({ challenge: "challenge-1", code: "123456" });
  });

  it("reports bad credentials with the backend's code", async () => {
    const { client, storage } = setup();

    await expect(client.login("demo", "wrong")).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
    await expect(client.login("demo", "wrong")).rejects.toBeInstanceOf(MobileApiError);
    expect(storage.setItemAsync).not.toHaveBeenCalled();
  });
});

describe("mobile refresh", () => {
  it("makes one refresh for many concurrent 401s and stores the rotated token", async () => {
    const { api, storage, client } = await signedIn();
    api.expireAccessTokens();

    await Promise.all([client.getJson("/api/me/"), client.getJson("/api/me/"), client.getJson("/api/me/")]);

    expect(api.count(MOBILE_PATHS.refresh)).toBe(1);
    expect(api.count("/api/me/")).toBe(6);
    expect(storage.items.get(REFRESH_TOKEN_KEY)).toBe("refresh-2");
    const refresh = api.requests.find((request) => request.path === MOBILE_PATHS.refresh)!;
    expect(refresh.body).toEqual({ refresh: "refresh-1" });
    expect(refresh.headers.has("Authorization")).toBe(false);
  });

  it("clears secure storage and reports the end of the session when refresh is rejected", async () => {
    const { api, storage, client, onSessionEnded } = await signedIn();
    api.revokeSession();

    await expect(client.getJson("/api/me/")).rejects.toBeInstanceOf(MobileSessionEndedError);

    expect(api.count(MOBILE_PATHS.refresh)).toBe(1);
    expect(storage.items.has(REFRESH_TOKEN_KEY)).toBe(false);
    expect(client.isSignedIn).toBe(false);
    expect(onSessionEnded).toHaveBeenCalledTimes(1);
  });

  it("keeps the session when the network is down", async () => {
    const { api, storage, client } = await signedIn();
    api.expireAccessTokens();
    api.offline = true;

    await expect(client.getJson("/api/me/")).rejects.toBeInstanceOf(MobileNetworkError);
    expect(storage.items.get(REFRESH_TOKEN_KEY)).toBe("refresh-1");
  });

  it("restores a session from secure storage at app start", async () => {
    const { api, storage } = await signedIn();
    const restarted = new MobileAuthClient({ apiUrl: api.origin, storage, fetch: api.fetch });

    expect(await restarted.restoreSession()).toBe(true);
    expect(await restarted.getJson("/api/me/")).toMatchObject({ username: "demo" });
  });

  it("starts signed out without a stored token, without calling the API", async () => {
    const { api, client } = setup();

    expect(await client.restoreSession()).toBe(false);
    expect(api.requests).toHaveLength(0);
  });
});

describe("mobile logout", () => {
  it("revokes the session on the server and forgets the tokens", async () => {
    const { api, storage, client } = await signedIn();

    await client.logout();

    const logout = api.requests.at(-1)!;
    expect(logout.path).toBe(MOBILE_PATHS.logout);
    expect(logout.body).toEqual({ refresh: "refresh-1" });
    expect(storage.deleteItemAsync).toHaveBeenCalledWith(REFRESH_TOKEN_KEY);
    expect(client.isSignedIn).toBe(false);
  });
});
