"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";

import { ApiError, NetworkError, SessionEndedError, type User } from "@/lib/auth";
import { useAuth } from "@/components/auth/AuthProvider";
import { LogoutButton } from "@/components/auth/LogoutButton";

import { TokenExpiry } from "./TokenExpiry";

type Load = { state: "loading" } | { state: "loaded"; profile: User; at: Date } | { state: "failed"; message: string };

/** The signed-in user's profile, fetched from the API with the access token. */
export function Profile() {
  const auth = useAuth();
  const client = auth?.client ?? null;
  const [load, setLoad] = useState<Load>({ state: "loading" });

  /** One call to the API; null when the session ended (ProtectedRoute moves us on). */
  const fetchProfile = useCallback(async (): Promise<Load | null> => {
    if (client === null) {
      return null;
    }
    try {
      const profile = await client.getJson<User>("/api/me/");
      return { state: "loaded", profile, at: new Date() };
    } catch (error) {
      if (error instanceof SessionEndedError) {
        return null;
      }
      const message =
        error instanceof NetworkError || error instanceof ApiError ? error.message : "Could not load your profile.";
      return { state: "failed", message };
    }
  }, [client]);

  useEffect(() => {
    let current = true;
    void fetchProfile().then((result) => {
      if (current && result !== null) {
        setLoad(result);
      }
    });
    return () => {
      current = false;
    };
  }, [fetchProfile]);

  const reload = async () => {
    const result = await fetchProfile();
    if (result !== null) {
      setLoad(result);
    }
  };

  return (
    <section className="card">
      <h1>Dashboard</h1>
      <p>
        Signed in as <strong data-testid="signed-in-user">{auth?.user?.username}</strong>.
      </p>
      {load.state === "loading" && <p className="muted">Loading your profile…</p>}
      {load.state === "failed" && (
        <p role="alert" className="error">
          {load.message}
        </p>
      )}
      {load.state === "loaded" && (
        <dl data-testid="profile">
          <dt>User id</dt>
          <dd>{load.profile.id}</dd>
          <dt>Username</dt>
          <dd>{load.profile.username}</dd>
          <dt>Email</dt>
          <dd>{load.profile.email}</dd>
          <dt>Loaded at</dt>
          <dd data-testid="profile-loaded-at">{load.at.toLocaleTimeString()}</dd>
        </dl>
      )}
      <TokenExpiry expiresAt={auth?.expiresAt ?? null} />
      <div className="actions">
        <button type="button" onClick={() => void reload()}>
          Reload profile
        </button>
        <Link href="/settings/security" className="button secondary">
          Security
        </Link>
        <Link href="/settings/email" className="button secondary">
          Change email
        </Link>
        <LogoutButton />
      </div>
    </section>
  );
}
