"use client";

import { useState } from "react";

import type { Accepted } from "@/lib/account";
import type { AuthClient } from "@/lib/auth";

import { useAuth } from "../auth/AuthProvider";
import { Field } from "./Field";
import { FormError } from "./FormMessage";
import { useAccountForm } from "./useAccountForm";

interface EmailRequestFormProps {
  /** What to do with the address: ask for a reset link, or a new verification link. */
  send(client: AuthClient, email: string): Promise<Accepted>;
  submitLabel: string;
  /** Called with the server's answer, which is the same whether or not the address has an account. */
  onSent(answer: Accepted): void;
}

/** One email address, sent to an endpoint that mails it a link. */
export function EmailRequestForm({ send, submitLabel, onSent }: EmailRequestFormProps) {
  const auth = useAuth();
  const [email, setEmail] = useState("");
  const form = useAccountForm(async () => {
    if (auth !== null) {
      onSent(await send(auth.client, email.trim()));
    }
  });

  return (
    <form onSubmit={form.onSubmit} noValidate>
      <Field
        id="email"
        label="Email address"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={form.fieldErrors.email}
        required
      />
      <FormError message={form.error} />
      <button type="submit" disabled={form.submitting || auth === null}>
        {form.submitting ? "Sending…" : submitLabel}
      </button>
    </form>
  );
}
