/**
 * Passkeys in a real browser against the real backend, with Chromium's virtual authenticator
 * (the DevTools WebAuthn domain) standing in for a phone or security key: add one on the
 * Security page, sign out, sign in with it alone, rename it, remove it, and see it sign in no more.
 */
import { type CDPSession, type Page, expect, test } from "@playwright/test";

import { signIn, signOut } from "./pages";
import { manage } from "./servers";

const PASSWORD = process.env.DEMO_USER_PASSWORD ?? "demo-password-123";

/** A platform authenticator that holds discoverable credentials and verifies its user (a screen lock). */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

test("add a passkey, then sign in with it alone; once removed it signs in no more", async ({ page }) => {
  const username = `pk${Date.now().toString(36)}`;
  manage("create_demo_user", "--username", username);
  const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

  await signIn(page, username, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("link", { name: "Security" }).click();
  const section = page.getByRole("region", { name: "Passkeys" });
  await expect(section.getByTestId("passkey-status")).toHaveText("No passkeys yet.");

  const add = section.getByRole("form", { name: "Add a passkey" });
  await add.getByLabel("Name for the new passkey").fill("Test laptop");
  await add.getByLabel("Current password").fill("not my password");
  await add.getByRole("button", { name: "Add a passkey" }).click();
  await expect(add.getByRole("alert")).toContainText("not your current password");
  await add.getByLabel("Current password").fill(PASSWORD);
  await add.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status")).toHaveText('Passkey "Test laptop" added.');
  await expect(section.getByTestId("passkey")).toHaveCount(1);
  await expect(section.getByTestId("passkey")).toContainText("not used yet");
  // The authenticator holds one discoverable credential for this site, and the server its public key.
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]?.isResidentCredential).toBe(true);
  expect(credentials[0]?.rpId).toBe("localhost");

  // No username, no password: the passkey alone signs in.
  await signOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("profile")).toContainText(username);
  await page.getByRole("link", { name: "Security" }).click();
  await expect(section.getByTestId("passkey")).toContainText("last used");
  await expect(page.getByRole("list", { name: "Recent security activity" })).toContainText("Passkey added");

  await section.getByRole("button", { name: "Rename" }).click();
  const rename = section.getByRole("form", { name: "Rename Test laptop" });
  await rename.getByLabel("New name").fill("Old laptop");
  await rename.getByRole("button", { name: "Save" }).click();
  await expect(section.getByTestId("passkey")).toContainText("Old laptop");

  // Removing it needs the password (a passkey session is recent enough, but ask anyway) and ends it for good.
  const remove = section.getByRole("form", { name: "Remove Old laptop" });
  await remove.getByLabel("Current password").fill(PASSWORD);
  await remove.getByRole("button", { name: "Remove Old laptop" }).click();
  await expect(section.getByTestId("passkey-status")).toHaveText("No passkeys yet.");
  await signOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "does not sign in to any account" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});
