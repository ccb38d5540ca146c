import { describe, expect, it } from "vitest";

import { ApiError, NetworkError } from "../auth/errors";

import { accountErrorMessage, fieldErrorsOf, tokenFromFragment } from ".";

describe("tokenFromFragment", () => {
  it("reads the token of a link's fragment", () => {
    expect(tokenFromFragment("#token=abc.DEF-123_x")).toBe("abc.DEF-123_x");
    expect(tokenFromFragment("token=eyJ1%3A")).toBe("eyJ1:");
  });

  it("is null without a token", () => {
    expect(tokenFromFragment("")).toBeNull();
    expect(tokenFromFragment("#")).toBeNull();
    expect(tokenFromFragment("#token=")).toBeNull();
    expect(tokenFromFragment("#other=1")).toBeNull();
  });
});

describe("accountErrorMessage", () => {
  const apiError = (code: string, detail = "From the server.", retryAfter: number | null = null) =>
    new ApiError(400, { detail, code }, retryAfter);

  it("explains link failures in words a person acts on", () => {
    expect(accountErrorMessage(apiError("link_expired"))).toMatch(/expired/);
    expect(accountErrorMessage(apiError("link_invalid"))).toMatch(/already used/);
  });

  it("says how long to wait when throttled", () => {
    expect(accountErrorMessage(apiError("throttled", "", 1800))).toBe("Too many requests. Try again in 30 minutes.");
    expect(accountErrorMessage(apiError("throttled"))).toMatch(/wait a while/);
  });

  it("falls back to the server's message, and to a generic one", () => {
    expect(accountErrorMessage(apiError("something_new", "Server says so."))).toBe("Server says so.");
    expect(accountErrorMessage(new NetworkError())).toMatch(/Cannot reach the server/);
    expect(accountErrorMessage(new Error("boom"))).toBe("Something went wrong. Please try again.");
  });
});

describe("fieldErrorsOf", () => {
  it("joins each field's messages", () => {
    const error = new ApiError(400, {
      detail: "Invalid request.",
      code: "invalid_request",
      fields: { password: ["Too short.", "Too common."], email: [] },
    });
    expect(fieldErrorsOf(error)).toEqual({ password: "Too short. Too common." });
    expect(fieldErrorsOf(new NetworkError())).toEqual({});
  });
});
