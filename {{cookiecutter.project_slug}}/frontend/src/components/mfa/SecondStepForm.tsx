"use client";

import { useEffect, useState } from "react";

import { accountErrorMessage } from "@/lib/account";
import type { SecondStep, TotpSetup } from "@/lib/auth";

import { useAuth } from "../auth/AuthProvider";
import { Field } from "../account/Field";
import { FormError } from "../account/FormMessage";
import { useAccountForm } from "../account/useAccountForm";
import { RecoveryCodes } from "./RecoveryCodes";
import { TotpSetupForm } from "./TotpSetupForm";

/**
 * The sign-in's second step, after the password: a code from the
 * authenticator app or a recovery code; or, for an account that must use one,
 * setting up the app first. `onSignedIn` runs once the user may go on (after
 * new recovery codes have been seen, when there are any).
 */
export function SecondStepForm({ step, onSignedIn }: { step: SecondStep; onSignedIn(): void }) {
  return step.step === "enroll" ? <EnrollStep onSignedIn={onSignedIn} /> : <CodeStep onSignedIn={onSignedIn} />;
}

function CodeStep({ onSignedIn }: { onSignedIn(): void }) {
  const auth = useAuth();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState("");
  const form = useAccountForm(async () => {
    if (auth !== null) {
      try {
        await auth.finishSignIn(code.trim());
        onSignedIn();
      } finally {
        setCode("");
      }
    }
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Second step">
      <Field
        id="code"
        label={recovery ? "Recovery code" : "Code from your authenticator app"}
        inputMode={recovery ? "text" : "numeric"}
        autoComplete="one-time-code"
        autoFocus
        value={code}
        onChange={(event) => setCode(event.target.value)}
        error={form.fieldErrors.code}
        required
      />
      <FormError message={form.error} />
      <button type="submit" disabled={form.submitting}>
        {form.submitting ? "Checking…" : "Continue"}
      </button>
      <button type="button" className="link" onClick={() => setRecovery(!recovery)}>
        {recovery ? "Use the authenticator app instead" : "Use a recovery code instead"}
      </button>
    </form>
  );
}

function EnrollStep({ onSignedIn }: { onSignedIn(): void }) {
  const auth = useAuth();
  const client = auth?.client ?? null;
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  useEffect(() => {
    if (client === null) {
      return;
    }
    let current = true;
    client.startEnrollment().then(
      (result) => current && setSetup(result),
      (failure: unknown) => current && setError(accountErrorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [client]);

  if (codes !== null) {
    return <RecoveryCodes codes={codes} onDone={onSignedIn} doneLabel="I have saved them: continue" />;
  }
  return (
    <>
      <FormError message={error} />
      {setup === null && error === null && (
        <p className="muted" aria-busy="true">
          Preparing your key…
        </p>
      )}
      {setup !== null && auth !== null && (
        <TotpSetupForm
          setup={setup}
          confirm={async (code) => setCodes((await auth.finishSignIn(code)).recoveryCodes ?? [])}
        />
      )}
    </>
  );
}
