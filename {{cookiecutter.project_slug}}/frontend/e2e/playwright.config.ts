import { defineConfig } from "@playwright/test";

import {
  APP_URL,
  BACKEND_DIR,
  FRONTEND_DIR,
  SMTP_PORT,
  backendCommand,
  backendEnv,
  frontendCommand,
  frontendEnv,
  smtpCommand,
} from "./servers";

// Debian's Chromium (Playwright's own browser download is not needed). As root it needs
// --no-sandbox; the rest keeps it from calling home.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export default defineConfig({
  testDir: ".",
  outputDir: "../test-output/results",
  // One backend and one demo user: tests run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  globalTeardown: "./global-teardown.ts",
  use: {
    baseURL: APP_URL,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  webServer: [
    {
      command: smtpCommand(),
      cwd: BACKEND_DIR,
      port: SMTP_PORT,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: backendCommand(),
      cwd: BACKEND_DIR,
      env: backendEnv(),
      url: "http://127.0.0.1:8000/healthz",
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: frontendCommand(),
      cwd: FRONTEND_DIR,
      env: frontendEnv(),
      url: "http://127.0.0.1:3000/login",
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
