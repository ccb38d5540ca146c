"use client";

import Link from "next/link";
import { useState } from "react";

import { requestEmailChange } from "@/lib/account";

import { useAuth } from "../auth/AuthProvider";
import { Field } from "./Field";
import { FormError } from "./FormMessage";
import { useAccountForm } from "./useAccountForm";

/** Signed in: a new address, confirmed by a link sent there. */
export function ChangeEmailForm() {
  const auth = useAuth();
  const [newEmail, setNewEmail] = useState("");
  const [password, setPassword] = useState("");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useAccountForm(async () => {
    if (auth !== null) {
      await requestEmailChange(auth.client, newEmail.trim(), password);
      setSentTo(newEmail.trim());
      setPassword("");
    }
  });

  return (
    <section className="card">
      <h1>Change your email address</h1>
      <p>
        Now: <strong data-testid="current-email">{auth?.user?.email}</strong>
      </p>
      {sentTo !== null ? (
        <p role="status" className="notice info">
          We sent a link to <strong>{sentTo}</strong>. Your address changes when you follow it; until then it stays as
          it is.
        </p>
      ) : (
        <form onSubmit={form.onSubmit} noValidate>
          <Field
            id="new_email"
            label="New email address"
            type="email"
            autoComplete="email"
            value={newEmail}
            onChange={(event) => setNewEmail(event.target.value)}
            error={form.fieldErrors.new_email}
            required
          />
          <Field
            id="current_password"
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={form.fieldErrors.current_password}
            required
          />
          <FormError message={form.error} />
          <button type="submit" disabled={form.submitting || auth === null}>
            {form.submitting ? "Sending…" : "Send confirmation link"}
          </button>
        </form>
      )}
      <p>
        <Link href="/dashboard">Back to the dashboard</Link>
      </p>
    </section>
  );
}
