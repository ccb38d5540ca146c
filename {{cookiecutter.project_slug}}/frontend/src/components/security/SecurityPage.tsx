"use client";

import Link from "next/link";
import { useState } from "react";

import {
  type ActivityEntry,
  type DeviceSession,
  accountErrorMessage,
  endOtherSessions,
  endSession,
  listSessions,
  recentActivity,
} from "@/lib/account";
import { securitySections } from "@/features";
import { type AuthClient, SessionEndedError } from "@/lib/auth";

import { useAuth } from "../auth/AuthProvider";
import { Field } from "../account/Field";
import { FormError } from "../account/FormMessage";
import { useAccountForm } from "../account/useAccountForm";
import { useSignedInData } from "../account/useSignedInData";
import { MfaSection } from "../mfa/MfaSection";

type Loaded = { sessions: DeviceSession[]; activity: ActivityEntry[] };

async function fetchSecurityPage(client: AuthClient): Promise<Loaded> {
  const [sessions, activity] = await Promise.all([listSessions(client), recentActivity(client)]);
  return { sessions, activity };
}

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** Where you are signed in, a way to sign out anywhere, and what happened to your account lately. */
export function SecurityPage() {
  const { client, data: loaded, error, setError, reload: load } = useSignedInData(fetchSecurityPage);
  const [status, setStatus] = useState<string | null>(null);

  const signOut = async (session: DeviceSession) => {
    if (client === null) {
      return;
    }
    try {
      await endSession(client, session.id);
      setStatus(`Signed out ${session.device}.`);
      await load();
    } catch (failure) {
      if (!(failure instanceof SessionEndedError)) {
        setError(accountErrorMessage(failure));
      }
    }
  };

  const others = loaded?.sessions.filter((session) => !session.current) ?? [];
  return (
    <section className="card wide">
      <h1>Security</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {status && (
        <p role="status" className="notice info">
          {status}
        </p>
      )}
      <h2>Where you are signed in</h2>
      {loaded === null ? (
        <p className="muted" aria-busy="true">
          Loading your sessions…
        </p>
      ) : (
        <ul className="sessions" aria-label="Your sessions">
          {loaded.sessions.map((session) => (
            <li key={session.id} data-testid="session">
              <div>
                <strong>{session.device}</strong>
                {session.current && <span className="badge">This device</span>}
                <br />
                <span className="muted">
                  {session.last_address ?? session.client_address ?? "address unknown"} · last active{" "}
                  {when(session.last_used_at)} · signed in {when(session.created_at)}
                </span>
              </div>
              {!session.current && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void signOut(session)}
                  aria-label={`Sign out ${session.device}, last active ${when(session.last_used_at)}`}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <EndOthers
          count={others.length}
          onEnded={(ended) => {
            setStatus(`Signed out ${ended} other ${ended === 1 ? "device" : "devices"}.`);
            void load();
          }}
        />
      )}
      <h2>Two-step sign-in</h2>
      <MfaSection
        onChanged={(message) => {
          setStatus(message);
          void load();
        }}
      />
      {securitySections.map(({ title, Section }) => (
        <section key={title} aria-label={title}>
          <h2>{title}</h2>
          <Section
            onChanged={(message) => {
              setStatus(message);
              void load();
            }}
          />
        </section>
      ))}
      <h2>Recent activity</h2>
      {loaded !== null && loaded.activity.length === 0 && <p className="muted">Nothing yet.</p>}
      {loaded !== null && loaded.activity.length > 0 && (
        <ul className="activity" aria-label="Recent security activity">
          {loaded.activity.map((entry) => (
            <li key={`${entry.at}-${entry.event}`}>
              {entry.description}
              <br />
              <span className="muted">
                {when(entry.at)} · {entry.device}
                {entry.client_address ? ` · ${entry.client_address}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        Something you do not recognise? <Link href="/forgot-password">Set a new password</Link>: it signs out every
        device.
      </p>
      <p>
        <Link href="/dashboard">Back to the dashboard</Link>
      </p>
    </section>
  );
}

/** "Sign out of all other devices", confirmed with the current password. */
function EndOthers({ count, onEnded }: { count: number; onEnded(ended: number): void }) {
  const auth = useAuth();
  const [password, setPassword] = useState("");
  const form = useAccountForm(async () => {
    if (auth !== null) {
      const { ended } = await endOtherSessions(auth.client, password);
      setPassword("");
      onEnded(ended);
    }
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Sign out of all other devices">
      <Field
        id="current_password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        hint={`Confirms it is you before ${count === 1 ? "the other device is" : `all ${count} other devices are`} signed out.`}
        error={form.fieldErrors.current_password}
        required
      />
      <FormError message={form.error} />
      <button type="submit" disabled={form.submitting}>
        {form.submitting ? "Signing out…" : "Sign out of all other devices"}
      </button>
    </form>
  );
}
