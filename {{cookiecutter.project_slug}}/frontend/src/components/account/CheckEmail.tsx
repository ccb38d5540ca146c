"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";

import { resendVerification } from "@/lib/account";

import { EmailRequestForm } from "./EmailRequestForm";

const WHY = {
  signup: "We sent you a link to confirm your email address. Follow it to finish signing up, then sign in.",
  reset: "If that address has an account, we sent it a link to set a new password. The link works once, for an hour.",
} as const;

type Reason = keyof typeof WHY;

function isReason(value: string | null): value is Reason {
  return value !== null && Object.hasOwn(WHY, value);
}

/** "Check your email", after sign-up or a reset request; offers a new verification link. */
export function CheckEmail() {
  const params = useSearchParams();
  const requested = params.get("for");
  const reason: Reason = isReason(requested) ? requested : "signup";
  const [resent, setResent] = useState<string | null>(null);

  return (
    <section className="card">
      <h1>Check your email</h1>
      <p role="status">{WHY[reason]}</p>
      <p className="muted">The message can take a minute to arrive; look in your spam folder too.</p>
      {reason === "signup" && (
        <>
          <h2>No email?</h2>
          {resent === null ? (
            <EmailRequestForm
              send={resendVerification}
              submitLabel="Send a new link"
              onSent={(answer) => setResent(answer.detail)}
            />
          ) : (
            <p role="status" className="notice info">
              {resent}
            </p>
          )}
        </>
      )}
      <p>
        <Link href="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
