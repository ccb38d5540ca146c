"use client";

import { useState } from "react";

import type { TotpSetup } from "@/lib/auth";

import { Field } from "../account/Field";
import { FormError } from "../account/FormMessage";
import { useAccountForm } from "../account/useAccountForm";

/**
 * Setting up an authenticator app: scan the QR code (or type the secret),
 * then enter the app's first code. `confirm` sends it.
 */
export function TotpSetupForm({ setup, confirm }: { setup: TotpSetup; confirm(code: string): Promise<void> }) {
  const [code, setCode] = useState("");
  const form = useAccountForm(async () => {
    try {
      await confirm(code.trim());
    } finally {
      setCode("");
    }
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Confirm the authenticator app">
      <p>Scan this code with an authenticator app (any app for time-based one-time codes), or type the key.</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URI drawn by the API, nothing to optimise */}
      <img className="qr" src={setup.qr_code_svg} alt="QR code of the key for your authenticator app" width={205} height={205} />
      <p>
        Key: <code data-testid="totp-secret">{setup.secret}</code>
      </p>
      <Field
        id="code"
        label="Code from the app"
        inputMode="numeric"
        autoComplete="one-time-code"
        value={code}
        onChange={(event) => setCode(event.target.value)}
        error={form.fieldErrors.code}
        required
      />
      <FormError message={form.error} />
      <button type="submit" disabled={form.submitting}>
        {form.submitting ? "Checking…" : "Turn on"}
      </button>
    </form>
  );
}
