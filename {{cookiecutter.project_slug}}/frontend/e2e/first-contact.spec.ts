/**
 * What a new user meets first: the API docs, which must work with no internet access, and the
 * app opened on 127.0.0.1 instead of localhost.
 */
import { expect, test } from "@playwright/test";

import { signInButton } from "./pages";
import { API_URL, DEMO_USER } from "./servers";

const BACKEND = new URL(API_URL).origin;

test.describe("the API docs", () => {
  /** Requests that reached the network for anything but the backend; each one fails, as it would offline. */
  let elsewhere: string[];
  test.beforeEach(async ({ context }) => {
    elsewhere = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === BACKEND) {
        return route.continue();
      }
      elsewhere.push(url);
      return route.abort("internetdisconnected");
    });
  });

  for (const { path, operation } of [
    { path: "/api/docs/", operation: ".opblock" },
    { path: "/api/redoc/", operation: "[data-section-id^='tag/']" },
  ]) {
    test(`${path} renders every operation from the backend alone`, async ({ page }) => {
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));

      const response = await page.goto(`${API_URL}${path}`);

      await expect(page.locator(operation).first()).toBeVisible();
      await expect(page.getByText("/api/auth/login/").first()).toBeAttached();
      expect(await page.locator(operation).count()).toBeGreaterThan(1);
      // Its policy keeps the page from even trying another server (Redoc would fetch its vendor's logo).
      expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
      expect(elsewhere).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});

test("the app opened on 127.0.0.1 signs in and keeps its session across a reload", async ({ page }) => {
  const apiHosts = new Set<string>();
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/")) {
      apiHosts.add(url.hostname);
    }
  });

  await page.goto("http://127.0.0.1:3000/login");
  await page.getByLabel("Username").fill(DEMO_USER.username);
  await page.getByLabel("Password").fill(DEMO_USER.password);
  await signInButton(page).click();
  await expect(page).toHaveURL("http://127.0.0.1:3000/dashboard");
  await page.reload();

  await expect(page.getByTestId("profile")).toContainText(DEMO_USER.username);
  // The API was called on the page's own site, so the refresh cookie was stored and sent.
  expect([...apiHosts]).toEqual(["127.0.0.1"]);
});
