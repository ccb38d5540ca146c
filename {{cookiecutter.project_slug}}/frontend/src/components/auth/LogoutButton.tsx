"use client";

import { useState } from "react";

import { NetworkError } from "@/lib/auth";

import { useAuth } from "./AuthProvider";

export function LogoutButton() {
  const auth = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const logout = async () => {
    if (auth === null) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await auth.logout(); // ProtectedRoute then takes us to the login page
    } catch (failure) {
      setError(failure instanceof NetworkError ? failure.message : "Could not sign out. Please try again.");
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className="secondary" onClick={() => void logout()} disabled={busy}>
        {busy ? "Signing out…" : "Sign out"}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}
