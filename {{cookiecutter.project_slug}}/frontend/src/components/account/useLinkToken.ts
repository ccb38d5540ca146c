"use client";

import { useSyncExternalStore } from "react";

import { takeLinkToken } from "@/lib/account";

/** The token taken from this page's URL, kept for as long as the page is shown. */
let taken: { path: string; token: string | null } | null = null;

function linkTokenOfThisPage(): string | null {
  const path = window.location.pathname;
  if (taken === null || taken.path !== path || window.location.hash !== "") {
    taken = { path, token: takeLinkToken() };
  }
  return taken.token;
}

const noSubscription = () => () => undefined;

/**
 * The token of the emailed link this page was opened with, taken out of the
 * address bar on first use: `undefined` while pre-rendered, `null` when the
 * page was opened without one.
 */
export function useLinkToken(): string | null | undefined {
  return useSyncExternalStore(noSubscription, linkTokenOfThisPage, () => undefined);
}
