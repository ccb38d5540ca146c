/**
 * Sessions as devices, in real browsers against the real backend: three browser contexts stand
 * for three devices of one account. One lists them all, signs one out by its row and the rest
 * with its password; each ended device is signed out on its next request, with a notice.
 */
import { type Browser, type Page, expect, test } from "@playwright/test";

import { signIn } from "./pages";
import { manage } from "./servers";

const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";

async function deviceSignedIn(browser: Browser, userAgent: string, username: string, password: string) {
  const context = await browser.newContext({ userAgent });
  const page = await context.newPage();
  await signIn(page, username, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { context, page };
}

/** The ended device's next API call (or its proactive refresh, if that comes first) signs it out. */
async function expectSignedOutOnNextCall(page: Page) {
  await page
    .getByRole("button", { name: "Reload profile" })
    .click({ timeout: 2_000 })
    .catch(() => undefined); // already gone: the refresh came first
  await expect(page).toHaveURL(/\/login\?reason=session_revoked/);
  await expect(page.getByRole("status")).toContainText("You were signed out: this session was ended");
}

test("one device lists every session, signs one out, then all the others", async ({ browser }) => {
  const username = `devices${Date.now().toString(36)}`;
  manage("create_demo_user", "--username", username);
  const password = process.env.DEMO_USER_PASSWORD ?? "demo-password-123";

  const laptop = await deviceSignedIn(browser, FIREFOX, username, password);
  const mac = await deviceSignedIn(browser, SAFARI, username, password);
  const third = await deviceSignedIn(browser, FIREFOX, username, password);

  const page = laptop.page;
  await page.getByRole("link", { name: "Security" }).click();
  const sessions = page.getByTestId("session");
  await expect(sessions).toHaveCount(3);
  await expect(sessions.filter({ hasText: "This device" })).toHaveCount(1);
  await expect(sessions.filter({ hasText: "This device" })).toContainText("Firefox 133 on Windows");
  await expect(sessions.filter({ hasText: "Safari 17 on Mac" })).toContainText("127.0.0.1");
  await expect(page.getByRole("list", { name: "Recent security activity" })).toContainText("Signed in");

  // One by its row.
  await sessions.filter({ hasText: "Safari 17 on Mac" }).getByRole("button", { name: /^Sign out Safari 17 on Mac/ }).click();
  await expect(page.getByRole("status")).toContainText("Signed out Safari 17 on Mac");
  await expect(sessions).toHaveCount(2);
  await expectSignedOutOnNextCall(mac.page);

  // The rest, confirmed with the password: a wrong one is refused and says so.
  const endOthers = page.getByRole("form", { name: "Sign out of all other devices" });
  await endOthers.getByLabel("Current password").fill("not-the-password");
  await endOthers.getByRole("button", { name: "Sign out of all other devices" }).click();
  await expect(endOthers.getByRole("alert")).toContainText("not your current password");
  await expect(sessions).toHaveCount(2);
  await endOthers.getByLabel("Current password").fill(password);
  await endOthers.getByRole("button", { name: "Sign out of all other devices" }).click();
  await expect(page.getByRole("status")).toContainText("Signed out 1 other device");
  await expect(sessions).toHaveCount(1);
  await expectSignedOutOnNextCall(third.page);

  // This device is still signed in.
  await page.goto("/dashboard");
  await expect(page.getByTestId("profile")).toContainText(username);
  for (const device of [laptop, mac, third]) {
    await device.context.close();
  }
});
