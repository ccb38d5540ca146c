"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";

import { ApiError, type SecondStep, isSessionEndReason, loginErrorMessage } from "@/lib/auth";

import { signInOptions } from "@/features";

import { SecondStepForm } from "../mfa/SecondStepForm";
import { useAuth } from "./AuthProvider";
import { safeNextPath } from "./loginPath";
import { SessionNotice } from "./SessionNotice";

export function LoginForm() {
  const auth = useAuth();
  const router = useRouter();
  const params = useSearchParams();
  const reasonParam = params.get("reason");
  const reason = isSessionEndReason(reasonParam) ? reasonParam : null;
  const next = safeNextPath(params.get("next"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [unverified, setUnverified] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [secondStep, setSecondStep] = useState<SecondStep | null>(null);
  // Setting up an authenticator ends with recovery codes: stay until they have been seen.
  const [holding, setHolding] = useState(false);

  const signedIn = auth?.status === "authenticated";
  useEffect(() => {
    if (signedIn && !holding) {
      router.replace(next); // signed in here, restored from the cookie, or in another tab
    }
  }, [signedIn, holding, next, router]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (auth === null) {
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const result = await auth.login(username, password);
      if (result.kind === "second_step") {
        setHolding(result.step === "enroll");
        setSecondStep(result);
        setPassword("");
        setSubmitting(false);
      }
    } catch (failure) {
      setError(loginErrorMessage(failure));
      setUnverified(failure instanceof ApiError && failure.code === "email_unverified");
      setPassword("");
      setSubmitting(false);
    }
  };

  if (secondStep !== null) {
    return (
      <section className="card">
        <h1>Sign in</h1>
        <p>{secondStep.detail}</p>
        <SecondStepForm step={secondStep} onSignedIn={() => setHolding(false)} />
        <p className="muted">
          <button type="button" className="link" onClick={() => setSecondStep(null)}>
            Start over
          </button>
        </p>
      </section>
    );
  }

  return (
    <section className="card">
      <h1>Sign in</h1>
      {!error && <SessionNotice reason={reason} />}
      {auth?.offline && !error && (
        <p role="status" className="notice warning">
          Cannot reach the server right now. You can still try to sign in.
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          required
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
        {error && (
          <p role="alert" className="error">
            {error}
            {unverified && (
              <>
                {" "}
                <Link href="/check-email?for=signup">Send a new link</Link>
              </>
            )}
          </p>
        )}
        <button type="submit" disabled={submitting || auth === null || auth.status === "loading"}>
          {submitting ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {signInOptions.length > 0 && (
        <div className="sign-in-options">
          {signInOptions.map((Option, index) => (
            <Option key={index} onError={setError} />
          ))}
        </div>
      )}
      <p className="muted">
        <Link href="/forgot-password">Forgot your password?</Link> · New here?{" "}
        <Link href="/signup">Create an account</Link>
      </p>
    </section>
  );
}
