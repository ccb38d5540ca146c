import { describe, expect, it } from "vitest";

import { MOBILE_PATHS, MobileAuthClient } from "./authClient";
import { FINGERPRINT_KEY, fingerprintBinding } from "./fingerprint";
import { FakeMobileApi, memorySecureStorage } from "./mobileApi.testing";

function setup() {
  const api = new FakeMobileApi();
  api.loginExtras = { fingerprint: "fp-secret" };
  api.requiredHeaders = { "X-Fingerprint": "fp-secret" };
  const storage = memorySecureStorage();
  const client = new MobileAuthClient({
    apiUrl: api.origin,
    storage,
    fetch: api.fetch,
    binding: fingerprintBinding(storage),
  });
  return { api, storage, client };
}

describe("fingerprint binding", () => {
  it("keeps the login's fingerprint in secure storage and sends it on every call", async () => {
    const { api, storage, client } = setup();
    await client.login("demo", "demo-password-123");
    api.expireAccessTokens();

    await client.getJson("/api/me/");

    expect(storage.items.get(FINGERPRINT_KEY)).toBe("fp-secret");
    const afterLogin = api.requests.slice(1);
    expect(afterLogin.map((request) => request.path)).toEqual(["/api/me/", MOBILE_PATHS.refresh, "/api/me/"]);
    expect(afterLogin.every((request) => request.headers.get("X-Fingerprint") === "fp-secret")).toBe(true);
  });

  it("survives an app restart", async () => {
    const { api, storage, client } = setup();
    await client.login("demo", "demo-password-123");
    const restarted = new MobileAuthClient({
      apiUrl: api.origin,
      storage,
      fetch: api.fetch,
      binding: fingerprintBinding(storage),
    });

    expect(await restarted.restoreSession()).toBe(true);
    expect(await restarted.getJson("/api/me/")).toMatchObject({ username: "demo" });
  });

  it("is forgotten at logout", async () => {
    const { storage, client } = setup();
    await client.login("demo", "demo-password-123");

    await client.logout();

    expect(storage.items.has(FINGERPRINT_KEY)).toBe(false);
  });
});
