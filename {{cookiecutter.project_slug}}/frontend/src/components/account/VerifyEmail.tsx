"use client";

import { useCallback, useState } from "react";

import { resendVerification, verifyEmail } from "@/lib/account";

import { useAuth } from "../auth/AuthProvider";
import { EmailRequestForm } from "./EmailRequestForm";
import { LinkOutcome } from "./LinkOutcome";

/** Where the verification link lands: confirms the address, or offers a new link. */
export function VerifyEmail() {
  const auth = useAuth();
  const client = auth?.client ?? null;
  const [resent, setResent] = useState<string | null>(null);
  const follow = useCallback(
    (token: string) => (client === null ? Promise.reject(new Error("Not in a browser.")) : verifyEmail(client, token)),
    [client],
  );
  if (client === null) {
    return null;
  }
  return (
    <LinkOutcome
      title="Confirm your email address"
      follow={follow}
      done={(user) => (
        <p className="notice info">
          Thank you, <strong>{user.email}</strong> is confirmed. You can sign in now.
        </p>
      )}
      recovery={
        resent === null ? (
          <EmailRequestForm send={resendVerification} submitLabel="Send a new link" onSent={(answer) => setResent(answer.detail)} />
        ) : (
          <p role="status" className="notice info">
            {resent}
          </p>
        )
      }
    />
  );
}
