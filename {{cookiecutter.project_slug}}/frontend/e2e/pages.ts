/** What several browser tests do on the app's pages, written once. */
import { type Page, expect } from "@playwright/test";

/** The password form's button (exactly: other ways to sign in have buttons of their own). */
export function signInButton(page: Page) {
  return page.getByRole("button", { name: "Sign in", exact: true });
}

/** Sign in with a password from the login page (the test checks where that leads). */
export async function signIn(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await signInButton(page).click();
}

export async function signOut(page: Page) {
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}
