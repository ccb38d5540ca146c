"use client";

import { useCallback, useEffect, useState } from "react";

import {
  type MfaStatus,
  accountErrorMessage,
  confirmTotp,
  mfaStatus,
  newRecoveryCodes,
  startTotpSetup,
  turnOffTotp,
} from "@/lib/account";
import { SessionEndedError, type TotpSetup } from "@/lib/auth";

import { useAuth } from "../auth/AuthProvider";
import { Field } from "../account/Field";
import { FormError } from "../account/FormMessage";
import { useAccountForm } from "../account/useAccountForm";
import { RecoveryCodes } from "./RecoveryCodes";
import { TotpSetupForm } from "./TotpSetupForm";

/** The Security page's part on the second factor: turn it on or off, and new recovery codes. */
export function MfaSection({ onChanged }: { onChanged(message: string): void }) {
  const auth = useAuth();
  const client = auth?.client ?? null;
  const [status, setStatus] = useState<MfaStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  /** The status, or an error message; null when the session has ended. */
  const fetchStatus = useCallback(async (): Promise<MfaStatus | string | null> => {
    if (client === null) {
      return null;
    }
    try {
      return await mfaStatus(client);
    } catch (failure) {
      return failure instanceof SessionEndedError ? null : accountErrorMessage(failure);
    }
  }, [client]);

  const show = useCallback((result: MfaStatus | string | null) => {
    if (typeof result === "string") {
      setError(result);
    } else if (result !== null) {
      setStatus(result);
      setError(null);
    }
  }, []);

  const load = useCallback(async () => show(await fetchStatus()), [fetchStatus, show]);

  useEffect(() => {
    let current = true;
    void fetchStatus().then((result) => {
      if (current) {
        show(result);
      }
    });
    return () => {
      current = false;
    };
  }, [fetchStatus, show]);

  if (client === null) {
    return null;
  }
  if (codes !== null) {
    return (
      <RecoveryCodes
        codes={codes}
        doneLabel="I have saved them"
        onDone={() => {
          setCodes(null);
          void load();
        }}
      />
    );
  }
  if (setup !== null) {
    return (
      <TotpSetupForm
        setup={setup}
        confirm={async (code) => {
          const recoveryCodes = await confirmTotp(client, code);
          setSetup(null);
          setCodes(recoveryCodes);
          onChanged("Two-step sign-in is on.");
        }}
      />
    );
  }
  return (
    <div className="mfa">
      <FormError message={error} />
      {status === null ? (
        <p className="muted" aria-busy="true">
          Loading…
        </p>
      ) : status.totp ? (
        <>
          <p data-testid="mfa-status">
            On: signing in asks for a code from your authenticator app. {status.recovery_codes_left} recovery codes
            left.
          </p>
          <PasswordConfirmed
            name="Get new recovery codes"
            hint="The old codes stop working."
            action={async (password) => setCodes(await newRecoveryCodes(client, password))}
          />
          {!status.required && (
            <PasswordConfirmed
              name="Turn off two-step sign-in"
              hint="Also signs out your other devices."
              action={async (password) => {
                await turnOffTotp(client, password);
                onChanged("Two-step sign-in is off.");
                await load();
              }}
            />
          )}
        </>
      ) : (
        <>
          <p data-testid="mfa-status">Off: your password alone signs you in.</p>
          <PasswordConfirmed
            name="Set up an authenticator app"
            hint="Then signing in also asks for a code from the app."
            action={async (password) => setSetup(await startTotpSetup(client, password))}
          />
        </>
      )}
    </div>
  );
}

/** A button that runs `action` once the current password confirms it is the owner. */
function PasswordConfirmed({ name, hint, action }: { name: string; hint: string; action(password: string): Promise<void> }) {
  const [password, setPassword] = useState("");
  const id = `password-${name.toLowerCase().replaceAll(" ", "-")}`;
  const form = useAccountForm(async () => {
    await action(password);
    setPassword("");
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label={name}>
      <Field
        id={id}
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        hint={hint}
        error={form.fieldErrors.current_password}
        required
      />
      <FormError message={form.error} />
      <button type="submit" disabled={form.submitting}>
        {name}
      </button>
    </form>
  );
}
