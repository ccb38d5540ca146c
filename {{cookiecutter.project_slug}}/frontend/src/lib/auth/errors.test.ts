import { describe, expect, it } from "vitest";

import { ApiError, NetworkError, apiErrorFrom, isSessionEndReason, loginErrorMessage, sessionEndReasonFor } from "./errors";

describe("loginErrorMessage", () => {
  it.each([
    [new ApiError(401, { detail: "x", code: "invalid_credentials" }), "Incorrect username or password."],
    [new ApiError(429, { detail: "x", code: "throttled" }, 30), "Too many sign-in attempts. Try again in 30 seconds."],
    [new ApiError(400, { detail: "x", code: "invalid_request" }), "Enter both your username and your password."],
    [new NetworkError(), "Cannot reach the server. Check your connection and try again."],
    [new ApiError(403, { detail: "Origin not allowed.", code: "csrf_failed" }), "Origin not allowed."],
  ])("%o", (error, message) => {
    expect(loginErrorMessage(error)).toBe(message);
  });
});

describe("apiErrorFrom", () => {
  it("reads the backend's error shape and Retry-After", async () => {
    const response = new Response(JSON.stringify({ detail: "Slow down.", code: "throttled" }), {
      status: 429,
      headers: { "Retry-After": "12" },
    });

    await expect(apiErrorFrom(response)).resolves.toMatchObject({ status: 429, code: "throttled", retryAfter: 12 });
  });

  it("survives a body that is not the error shape", async () => {
    const error = await apiErrorFrom(new Response("<html>Bad gateway</html>", { status: 502 }));
    expect(error).toMatchObject({ status: 502, code: "http_502" });
  });
});

describe("session end reasons", () => {
  it("tell a revoked session from an expired one", () => {
    expect(sessionEndReasonFor("session_revoked")).toBe("session_revoked");
    expect(sessionEndReasonFor("token_invalid")).toBe("session_revoked");
    expect(sessionEndReasonFor("token_expired")).toBe("session_expired");
  });

  it("accept only known reasons from the URL", () => {
    expect(isSessionEndReason("session_expired")).toBe(true);
    expect(isSessionEndReason("toString")).toBe(false);
    expect(isSessionEndReason(null)).toBe(false);
  });
});
