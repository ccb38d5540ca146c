"use client";

import { useState } from "react";

import { confirmTotp, mfaStatus, newRecoveryCodes, startTotpSetup, turnOffTotp } from "@/lib/account";
import type { TotpSetup } from "@/lib/auth";

import { FormError } from "../account/FormMessage";
import { PasswordConfirmed } from "../account/PasswordConfirmed";
import { useSignedInData } from "../account/useSignedInData";
import { RecoveryCodes } from "./RecoveryCodes";
import { TotpSetupForm } from "./TotpSetupForm";

/** The Security page's part on the second factor: turn it on or off, and new recovery codes. */
export function MfaSection({ onChanged }: { onChanged(message: string): void }) {
  const { client, data: status, error, reload: load } = useSignedInData(mfaStatus);
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

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
