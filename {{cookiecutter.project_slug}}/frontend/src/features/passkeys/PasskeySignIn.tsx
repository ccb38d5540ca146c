"use client";

import { useState } from "react";

import { useAuth } from "@/components/auth/AuthProvider";
import { accountErrorMessage } from "@/lib/account";

import { signInWithPasskey } from "./api";
import { usePasskeysAvailable } from "./usePasskeysAvailable";

/**
 * "Sign in with a passkey", under the password form: no username, the device offers the
 * passkeys it holds for this site. Once signed in, the login page moves on as after a password.
 */
export function PasskeySignIn({ onError }: { onError(message: string | null): void }) {
  const auth = useAuth();
  const [busy, setBusy] = useState(false);
  const available = usePasskeysAvailable();
  if (auth === null || !available) {
    return null;
  }
  const signIn = async () => {
    setBusy(true);
    onError(null);
    try {
      await signInWithPasskey(auth.client);
    } catch (failure) {
      onError(accountErrorMessage(failure));
      setBusy(false);
    }
  };
  return (
    <button type="button" className="secondary" disabled={busy || auth.status === "loading"} onClick={() => void signIn()}>
      {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
    </button>
  );
}
