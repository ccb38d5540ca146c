"use client";

import Link from "next/link";
import { useCallback } from "react";

import { confirmEmailChange } from "@/lib/account";

import { useAuth } from "../auth/AuthProvider";
import { LinkOutcome } from "./LinkOutcome";

/** Where the email-change link lands, on any device, signed in or not. */
export function ConfirmEmailChange() {
  const auth = useAuth();
  const client = auth?.client ?? null;
  const follow = useCallback(
    (token: string) => (client === null ? Promise.reject(new Error("Not in a browser.")) : confirmEmailChange(client, token)),
    [client],
  );
  if (client === null) {
    return null;
  }
  return (
    <LinkOutcome
      title="Confirm your new email address"
      follow={follow}
      done={(result) => (
        <p className="notice info">
          Your email address is now <strong data-testid="confirmed-email">{result.email}</strong>.
        </p>
      )}
      recovery={
        <p>
          Signed in? <Link href="/settings/email">Ask for a new link</Link>
        </p>
      }
    />
  );
}
