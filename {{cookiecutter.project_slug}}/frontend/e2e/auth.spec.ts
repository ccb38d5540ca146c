/**
 * The whole auth flow in a real browser against the real backend, with access
 * tokens that live 8 seconds and silent refresh within their last 3 seconds.
 */
import path from "node:path";

import { type BrowserContext, type Page, expect, test } from "@playwright/test";

import { signIn as signInAs, signInButton } from "./pages";
import {
  ACCESS_TOKEN_LIFETIME_S,
  API_URL,
  APP_URL,
  DEMO_USER,
  FRONTEND_DIR,
  SILENT_REFRESH_THRESHOLD_S,
  manage,
} from "./servers";

const SCREENSHOTS = path.join(FRONTEND_DIR, "test-output", "screenshots");

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, password = DEMO_USER.password) {
  await signInAs(page, DEMO_USER.username, password);
}

/** The form's error message (Next.js adds a route announcer with role=alert too). */
function formError(page: Page) {
  return page.locator("form [role=alert]");
}

async function openDashboardSignedIn(page: Page) {
  await signIn(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("profile")).toContainText(DEMO_USER.username);
}

/**
 * Make every page of the context believe its tab is hidden from the start, which keeps
 * proactive refresh paused: the access token then really expires.
 */
async function hideTabs(context: BrowserContext) {
  await context.addInitScript(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  });
}

/** Milliseconds since the API last issued an access token (login or refresh) to this context. */
function tokenAge(context: BrowserContext) {
  let issuedAt = Date.now();
  context.on("response", (response) => {
    const { pathname } = new URL(response.url());
    if (response.ok() && response.request().method() === "POST" && /^\/api\/auth\/(login|refresh)\/$/.test(pathname)) {
      issuedAt = Date.now();
    }
  });
  return () => Date.now() - issuedAt;
}

async function waitUntilTokenAge(page: Page, age: () => number, seconds: number) {
  await page.waitForTimeout(Math.max(0, seconds * 1000 - age()));
}

/** Count the calls of one API endpoint made by every page of a context. */
function countCalls(context: BrowserContext, pathname: string, method = "POST") {
  const calls: number[] = [];
  context.on("request", (request) => {
    if (request.method() === method && new URL(request.url()).pathname === pathname) {
      calls.push(Date.now());
    }
  });
  return calls;
}

async function reloadProfile(page: Page) {
  const before = await page.getByTestId("profile-loaded-at").textContent();
  const answer = page.waitForResponse(
    (response) => new URL(response.url()).pathname === "/api/me/" && response.status() === 200,
  );
  await page.getByRole("button", { name: "Reload profile" }).click();
  await answer;
  return before;
}

test.describe("signing in", () => {
  test("leads to the dashboard, which shows the user from the API", async ({ page }) => {
    await openDashboardSignedIn(page);

    await expect(page.getByTestId("signed-in-user")).toHaveText(DEMO_USER.username);
    await expect(page.getByTestId("token-expiry")).toBeVisible();
    await screenshot(page, "01-signed-in-dashboard");
  });

  test("with a wrong password says so", async ({ page }) => {
    await signIn(page, "not-the-password");

    await expect(formError(page)).toHaveText("Incorrect username or password.");
    await expect(page).toHaveURL(/\/login$/);
    await screenshot(page, "02-wrong-password");
  });

  test("without a network says the server cannot be reached", async ({ page, context }) => {
    await page.goto("/login");
    await expect(signInButton(page)).toBeEnabled();
    await context.setOffline(true);

    await page.getByLabel("Username").fill(DEMO_USER.username);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await signInButton(page).click();

    await expect(formError(page)).toContainText("Cannot reach the server");
    await screenshot(page, "03-network-error");
    await context.setOffline(false);
  });
});

test.describe("the session", () => {
  test("survives the access token's expiry: the next API call refreshes silently", async ({ page, context }) => {
    await hideTabs(context);
    const age = tokenAge(context);
    const refreshes = countCalls(context, "/api/auth/refresh/");
    await openDashboardSignedIn(page);
    await waitUntilTokenAge(page, age, ACCESS_TOKEN_LIFETIME_S + 1);
    const statuses: string[] = [];
    page.on("response", (response) => {
      const { pathname } = new URL(response.url());
      if (response.request().method() !== "OPTIONS" && pathname.startsWith("/api/")) {
        statuses.push(`${pathname} ${response.status()}`);
      }
    });
    const refreshesBefore = refreshes.length;

    await reloadProfile(page);

    expect(statuses).toEqual(["/api/me/ 401", "/api/auth/refresh/ 200", "/api/me/ 200"]);
    expect(refreshes.length - refreshesBefore).toBe(1);
    await expect(page).toHaveURL(/\/dashboard$/);
    await screenshot(page, "04-silent-refresh-after-expiry");
  });

  test("takes the fresh token the API sends in X-New-Access-Token near expiry", async ({ page, context }) => {
    await hideTabs(context);
    const age = tokenAge(context);
    await openDashboardSignedIn(page);
    const refreshes = countCalls(context, "/api/auth/refresh/");
    // Inside the silent-refresh window: less than 3 s left, not yet expired (exp is in whole seconds).
    await waitUntilTokenAge(page, age, ACCESS_TOKEN_LIFETIME_S - SILENT_REFRESH_THRESHOLD_S + 0.2);
    const withNewToken = page.waitForResponse(
      (response) => new URL(response.url()).pathname === "/api/me/" && response.headers()["x-new-access-token"] !== undefined,
    );

    await reloadProfile(page);
    await withNewToken;
    // Past the first token's expiry, the one from the header still works: no refresh needed.
    await page.waitForTimeout(SILENT_REFRESH_THRESHOLD_S * 1000);
    await reloadProfile(page);

    expect(refreshes).toHaveLength(0);
    await screenshot(page, "05-new-access-token-header");
  });

  test("is renewed before expiry while the tab is visible", async ({ page, context }) => {
    const refreshes = countCalls(context, "/api/auth/refresh/");
    await openDashboardSignedIn(page);

    await page.waitForTimeout(ACCESS_TOKEN_LIFETIME_S * 1.5 * 1000);
    await reloadProfile(page);

    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId("token-expiry")).toContainText("renews before it expires");
  });

  test("ends with an expiry notice when the refresh cookie is gone", async ({ page, context }) => {
    await hideTabs(context);
    const age = tokenAge(context);
    await openDashboardSignedIn(page);
    await context.clearCookies(); // as when the refresh token outlived its lifetime
    await waitUntilTokenAge(page, age, ACCESS_TOKEN_LIFETIME_S + 1);

    await page.getByRole("button", { name: "Reload profile" }).click();

    await expect(page).toHaveURL(/\/login\?reason=session_expired&next=%2Fdashboard$/);
    await expect(page.getByRole("status")).toHaveText("Your session has expired. Please sign in again.");
    await screenshot(page, "06-session-expired");
  });

  test("is restored from the refresh cookie when the page reloads", async ({ page }) => {
    await openDashboardSignedIn(page);

    await page.reload();

    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByTestId("profile")).toContainText(DEMO_USER.username);
    await screenshot(page, "07-after-reload");
  });

  test("ends with a message when a password change elsewhere revokes it", async ({ page, context, playwright }) => {
    await hideTabs(context); // the next API call, not a scheduled refresh, meets the revocation
    await openDashboardSignedIn(page);
    // Another device signs in and changes the password, which ends every other session.
    const otherDevice = await playwright.request.newContext({
      baseURL: API_URL,
      extraHTTPHeaders: { Origin: APP_URL, "X-Requested-With": "XMLHttpRequest" },
    });
    try {
      const login = await otherDevice.post("/api/auth/login/", { data: DEMO_USER });
      expect(login.status()).toBe(200);
      const { access } = (await login.json()) as { access: string };
      const change = await otherDevice.post("/api/auth/password/", {
        headers: { Authorization: `Bearer ${access}` },
        data: { current_password: DEMO_USER.password, new_password: "a-changed-password-4821" },
      });
      expect(change.status()).toBe(200);

      await page.getByRole("button", { name: "Reload profile" }).click();

      await expect(page).toHaveURL(/\/login\?reason=session_revoked/);
      await expect(page.getByRole("status")).toContainText("You were signed out: this session was ended");
      await page.reload();
      await expect(page).toHaveURL(/\/login/); // the refresh cookie is gone too
      await expect(signInButton(page)).toBeEnabled();
      await screenshot(page, "08-revoked-session");
    } finally {
      await otherDevice.dispose();
      manage("create_demo_user"); // the demo password again, for the other tests
    }
  });
});

test.describe("protected routes", () => {
  test("send a visitor to the login page and back after signing in", async ({ page }) => {
    await page.goto("/dashboard");

    await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
    await screenshot(page, "09-protected-route-redirect");
    await page.getByLabel("Username").fill(DEMO_USER.username);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await signInButton(page).click();
    await expect(page).toHaveURL(/\/dashboard$/);
  });
});

test.describe("two tabs", () => {
  test("refreshing at the same moment both stay signed in, with one refresh", async ({ context }) => {
    await hideTabs(context);
    const age = tokenAge(context);
    const first = await context.newPage();
    const second = await context.newPage();
    await openDashboardSignedIn(first);
    await second.goto("/dashboard"); // restores the session and hands its token to the first tab
    await expect(second.getByTestId("profile")).toContainText(DEMO_USER.username);
    await waitUntilTokenAge(first, age, ACCESS_TOKEN_LIFETIME_S + 1);
    const refreshes = countCalls(context, "/api/auth/refresh/");

    await Promise.all([reloadProfile(first), reloadProfile(second)]);

    expect(refreshes).toHaveLength(1);
    for (const page of [first, second]) {
      await expect(page).toHaveURL(/\/dashboard$/);
    }
    // The session is intact: a reload still restores the session.
    await second.reload();
    await expect(second.getByTestId("profile")).toContainText(DEMO_USER.username);
    await screenshot(first, "10-two-tabs-first");
    await screenshot(second, "10-two-tabs-second");
  });

  test("both visible share one proactive refresh schedule", async ({ context }) => {
    const first = await context.newPage();
    const second = await context.newPage();
    await openDashboardSignedIn(first);
    await second.goto("/dashboard");
    await expect(second.getByTestId("profile")).toContainText(DEMO_USER.username);
    const refreshes = countCalls(context, "/api/auth/refresh/");
    const watchMs = ACCESS_TOKEN_LIFETIME_S * 2.5 * 1000;

    await first.waitForTimeout(watchMs);

    // A token of 8 s is renewed at 4 s: about 5 refreshes in 20 s for both tabs together.
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect(refreshes.length).toBeLessThanOrEqual(Math.ceil(watchMs / 4000) + 1);
    await reloadProfile(first);
    await reloadProfile(second);
  });

  test("signing out in one ends the session in the other", async ({ context }) => {
    const first = await context.newPage();
    const second = await context.newPage();
    await openDashboardSignedIn(first);
    await second.goto("/dashboard");
    await expect(second.getByTestId("profile")).toContainText(DEMO_USER.username);

    await first.getByRole("button", { name: "Sign out" }).click();

    await expect(first).toHaveURL(/\/login\?reason=signed_out$/);
    await expect(first.getByRole("status")).toHaveText("You have signed out.");
    await expect(second).toHaveURL(/\/login\?reason=signed_out_elsewhere/);
    await expect(second.getByRole("status")).toHaveText("You were signed out in another tab.");
    await second.goto("/dashboard");
    await expect(second).toHaveURL(/\/login\?next=%2Fdashboard$/);
    await screenshot(first, "11-signed-out");
    await screenshot(second, "11-signed-out-elsewhere");
  });
});
