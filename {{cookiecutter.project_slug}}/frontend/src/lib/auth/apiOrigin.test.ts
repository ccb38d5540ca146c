import { describe, expect, it } from "vitest";

import { apiUrlForPage } from "./apiOrigin";

describe("apiUrlForPage", () => {
  it("keeps the configured API when the page is on the same host name", () => {
    expect(apiUrlForPage("http://localhost:8000", "localhost")).toBe("http://localhost:8000");
  });

  it("follows a page opened on 127.0.0.1, so the API stays on the page's site", () => {
    expect(apiUrlForPage("http://localhost:8000", "127.0.0.1")).toBe("http://127.0.0.1:8000");
    expect(apiUrlForPage("http://127.0.0.1:8000/", "localhost")).toBe("http://localhost:8000");
  });

  it("never changes a deployed API", () => {
    expect(apiUrlForPage("https://api.example.com", "example.com")).toBe("https://api.example.com");
    expect(apiUrlForPage("https://api.example.com", "127.0.0.1")).toBe("https://api.example.com");
  });

  it("leaves other host names alone", () => {
    expect(apiUrlForPage("http://localhost:8000", "192.168.1.20")).toBe("http://localhost:8000");
  });
});
