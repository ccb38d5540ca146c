import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    // Unit tests only; the browser tests in e2e/ are *.spec.ts and run under Playwright.
    include: ["**/*.test.ts"],
    restoreMocks: true,
  },
});
