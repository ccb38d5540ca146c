/**
 * The account lifecycle over email, in a real browser against the real backend,
 * which sends its mail to a real SMTP server on loopback: sign up, follow the
 * link, sign in; forgot password, follow the link, set a new password, and the
 * session open in a second browser has ended; change the email address.
 */
import path from "node:path";

import { type Page, expect, test } from "@playwright/test";

import { linkIn, waitForMail } from "./mailbox";
import { signIn } from "./pages";
import { FRONTEND_DIR, manage } from "./servers";

const SCREENSHOTS = path.join(FRONTEND_DIR, "test-output", "screenshots");
const PASSWORD = "a-long-passphrase-for-the-e2e-run";
const NEW_PASSWORD = "another-passphrase-after-the-reset";

let serial = 0;
function uniqueName(prefix: string): string {
  serial += 1;
  return `${prefix}${Date.now().toString(36)}${serial}`;
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A verified account made on the server (create_demo_user), with its address. */
function verifiedAccount(prefix: string) {
  const username = uniqueName(prefix);
  manage("create_demo_user", "--username", username);
  return { username, email: `${username}@example.com`, password: process.env.DEMO_USER_PASSWORD ?? "demo-password-123" };
}

test("sign up, follow the emailed link, then sign in", async ({ page }) => {
  const username = uniqueName("new");
  const email = `${username}@example.com`;
  await page.goto("/login");
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/signup$/);

  // A password the policy refuses: the field says why and takes the focus.
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("too-short");
  await page.getByRole("button", { name: "Create account" }).click();
  const password = page.getByLabel("Password");
  await expect(password).toBeFocused();
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription(/At least 15 characters.*Use at least 15 characters/);

  await password.fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await screenshot(page, "accounts-check-email");

  // Not yet verified: the right password is refused with a reason.
  await signIn(page, username, PASSWORD);
  await expect(page.locator("form [role=alert]")).toContainText("Confirm your email address first");

  const mail = await waitForMail("verify_email", email);
  expect(mail.raw).not.toContain(PASSWORD);
  await page.goto(linkIn(mail));
  await expect(page.getByRole("status")).toContainText(`${email} is confirmed`);
  await expect(page).toHaveURL(/\/verify-email$/); // the token is gone from the address bar
  await screenshot(page, "accounts-email-confirmed");

  await signIn(page, username, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("profile")).toContainText(email);
});

test("forgot password: the emailed link sets a new password and ends the session in another browser", async ({
  browser,
}) => {
  const account = verifiedAccount("reset");
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await signIn(other, account.username, account.password);
  await expect(other).toHaveURL(/\/dashboard$/);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("Email address").fill(account.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const link = linkIn(await waitForMail("password_reset", account.email));
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("New password, again").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("heading", { name: "Password changed" })).toBeVisible();
  await screenshot(page, "accounts-password-changed");
  const notice = await waitForMail("password_changed", account.email);
  expect(notice.raw).not.toContain(NEW_PASSWORD);

  // The other browser's session has ended: its next API call (or its proactive refresh, if that
  // comes first) sends it to sign in, saying why.
  await other
    .getByRole("button", { name: "Reload profile" })
    .click({ timeout: 2_000 })
    .catch(() => undefined);
  await expect(other).toHaveURL(/\/login\?reason=session_revoked/);
  await expect(other.getByRole("status")).toContainText("this session was ended");

  // The link worked once (opened again from the email, in a new tab).
  const again = await context.newPage();
  await again.goto(link);
  await again.getByLabel("New password", { exact: true }).fill("yet-another-passphrase-here");
  await again.getByLabel("New password, again").fill("yet-another-passphrase-here");
  await again.getByRole("button", { name: "Set new password" }).click();
  await expect(again.locator("form [role=alert]")).toContainText("does not work");
  await expect(again.getByRole("link", { name: "Ask for a new link" })).toBeVisible();

  await signIn(page, account.username, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  await context.close();
  await elsewhere.close();
});

test("change email: nothing changes until the new address follows its link", async ({ page }) => {
  const account = verifiedAccount("move");
  const newEmail = `${uniqueName("moved")}@example.com`;
  await signIn(page, account.username, account.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("link", { name: "Change email" }).click();
  await expect(page.getByTestId("current-email")).toHaveText(account.email);

  await page.getByLabel("New email address").fill(newEmail);
  await page.getByLabel("Current password").fill("not-the-password");
  await page.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(page.getByLabel("Current password")).toBeFocused();
  await expect(page.getByLabel("Current password")).toHaveAccessibleDescription("The current password is incorrect.");

  await page.getByLabel("Current password").fill(account.password);
  await page.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(page.getByRole("status")).toContainText(newEmail);
  await waitForMail("email_change_notice", account.email);

  await page.goto(linkIn(await waitForMail("email_change_confirm", newEmail)));
  await expect(page.getByTestId("confirmed-email")).toHaveText(newEmail);
  await page.goto("/dashboard");
  await expect(page.getByTestId("profile")).toContainText(newEmail);
});
