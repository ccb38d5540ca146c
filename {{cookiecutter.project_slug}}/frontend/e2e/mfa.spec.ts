/**
 * Two-step sign-in in a real browser against the real backend: turn it on from the Security page
 * (the test reads the key off the page and computes codes as an authenticator app would), sign
 * out, sign in with a code, then with a recovery code, which works only once.
 */
import { type Page, expect, test } from "@playwright/test";
import { Secret, TOTP } from "otpauth";

import { signIn, signOut } from "./pages";
import { manage } from "./servers";

const PASSWORD = process.env.DEMO_USER_PASSWORD ?? "demo-password-123";
const STEP_MS = 30_000;

/** The app's code `steps` steps from now (a code is accepted once, so each sign-in takes a later step's). */
function codeFor(secret: string, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * STEP_MS });
}

async function signInWithPassword(page: Page, username: string) {
  await signIn(page, username, PASSWORD);
}

test("turn on two-step sign-in, then sign in with a code and with a recovery code", async ({ page }) => {
  const username = `mfa${Date.now().toString(36)}`;
  manage("create_demo_user", "--username", username);

  await signInWithPassword(page, username);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByTestId("mfa-status")).toContainText("Off");

  const setUp = page.getByRole("form", { name: "Set up an authenticator app" });
  await setUp.getByLabel("Current password").fill(PASSWORD);
  await setUp.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const confirm = page.getByRole("form", { name: "Confirm the authenticator app" });
  await confirm.getByLabel("Code from the app").fill("000000");
  await confirm.getByRole("button", { name: "Turn on" }).click();
  await expect(confirm.getByRole("alert")).toContainText("not valid");
  await confirm.getByLabel("Code from the app").fill(codeFor(secret));
  await confirm.getByRole("button", { name: "Turn on" }).click();

  const shown = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(shown).toHaveCount(10); // allTextContents() does not wait for the list
  const codes = await shown.allTextContents();
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByTestId("mfa-status")).toContainText("10 recovery codes left");

  // Signing in now takes a code: the password alone leads to the second step, not the dashboard.
  await signOut(page);
  await signInWithPassword(page, username);
  await expect(page.getByLabel("Code from your authenticator app")).toBeVisible();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/); // nothing is signed in before the second step
  await signInWithPassword(page, username);
  await page.getByLabel("Code from your authenticator app").fill(codeFor(secret, 1));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("profile")).toContainText(username);

  // A recovery code instead of the app, once.
  await signOut(page);
  await signInWithPassword(page, username);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code").fill(codes[0]!);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await signOut(page);
  await signInWithPassword(page, username);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code").fill(codes[0]!);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("form", { name: "Second step" }).getByRole("alert")).toContainText("not valid");
  await page.getByLabel("Recovery code").fill(codes[1]!);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByTestId("mfa-status")).toContainText("8 recovery codes left");
});
