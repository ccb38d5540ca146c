"use client";

import Link from "next/link";
import { useState } from "react";

import { type FieldErrors, PASSWORD_MIN_LENGTH, resetPassword } from "@/lib/account";

import { useAuth } from "../auth/AuthProvider";
import { Field } from "./Field";
import { FormError } from "./FormMessage";
import { useAccountForm } from "./useAccountForm";
import { useLinkToken } from "./useLinkToken";

/** Where the reset link lands: a new password, which signs out every device. */
export function ResetPasswordForm() {
  const auth = useAuth();
  const token = useLinkToken();
  const [password, setPassword] = useState("");
  const [repeated, setRepeated] = useState("");
  const [done, setDone] = useState(false);
  const form = useAccountForm(
    async () => {
      if (auth === null || !token) {
        return;
      }
      await resetPassword(auth.client, token, password);
      setDone(true);
      if (auth.status === "authenticated") {
        // Every session of the account has ended on the server; end this tab's (and its other tabs') too.
        await auth.logout().catch(() => undefined);
      }
    },
    (): FieldErrors => {
      if (password.length < PASSWORD_MIN_LENGTH) {
        return { new_password: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
      }
      return password === repeated ? {} : { repeat_password: "The two passwords differ." };
    },
  );

  if (done) {
    return (
      <section className="card">
        <h1>Password changed</h1>
        <p role="status">Your new password is set, and every device that was signed in has been signed out.</p>
        <p>
          <Link href="/login">Sign in with your new password</Link>
        </p>
      </section>
    );
  }
  if (token === null) {
    return (
      <section className="card">
        <h1>Set a new password</h1>
        <p role="alert" className="error">
          This page needs the link from your email. Open it from there, or ask for a new one.
        </p>
        <p>
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      </section>
    );
  }
  const linkFailed = form.error !== null && Object.keys(form.fieldErrors).length === 0;
  return (
    <section className="card">
      <h1>Set a new password</h1>
      <form onSubmit={form.onSubmit} noValidate>
        <Field
          id="new_password"
          label="New password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          error={form.fieldErrors.new_password}
          required
        />
        <Field
          id="repeat_password"
          label="New password, again"
          type="password"
          autoComplete="new-password"
          value={repeated}
          onChange={(event) => setRepeated(event.target.value)}
          error={form.fieldErrors.repeat_password}
          required
        />
        <FormError message={form.error} />
        <button type="submit" disabled={form.submitting || auth === null || token === undefined}>
          {form.submitting ? "Saving…" : "Set new password"}
        </button>
      </form>
      {linkFailed && (
        <p>
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      )}
    </section>
  );
}
