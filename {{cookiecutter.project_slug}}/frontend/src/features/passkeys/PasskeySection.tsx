"use client";

import { useState } from "react";

import { Field } from "@/components/account/Field";
import { FormError } from "@/components/account/FormMessage";
import { PasswordConfirmed } from "@/components/account/PasswordConfirmed";
import { useAccountForm } from "@/components/account/useAccountForm";
import { useSignedInData } from "@/components/account/useSignedInData";
import type { AuthClient } from "@/lib/auth";

import { type Passkey, addPasskey, listPasskeys, removePasskey, renamePasskey } from "./api";
import { usePasskeysAvailable } from "./usePasskeysAvailable";

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** The Security page's part on passkeys: the user's own, named, renamed and removed; one more added. */
export function PasskeySection({ onChanged }: { onChanged(message: string): void }) {
  const { client, data: passkeys, error, reload } = useSignedInData(listPasskeys);
  const [name, setName] = useState("");
  const available = usePasskeysAvailable();

  if (client === null) {
    return null;
  }
  return (
    <div className="passkeys">
      <p className="muted">
        A passkey signs you in without your password, with your device&apos;s screen lock or a security key: it counts
        as two-step sign-in on its own.
      </p>
      <FormError message={error} />
      {passkeys === null ? (
        <p className="muted" aria-busy="true">
          Loading…
        </p>
      ) : passkeys.length === 0 ? (
        <p data-testid="passkey-status">No passkeys yet.</p>
      ) : (
        <ul className="sessions" aria-label="Your passkeys">
          {passkeys.map((passkey) => (
            <PasskeyEntry
              key={passkey.id}
              client={client}
              passkey={passkey}
              onChanged={(message) => {
                onChanged(message);
                void reload();
              }}
            />
          ))}
        </ul>
      )}
      {available ? (
        <PasswordConfirmed
          name="Add a passkey"
          hint="Your browser then asks to make a passkey on this device or a security key."
          action={async (password) => {
            const added = await addPasskey(client, password, name.trim() || "Passkey");
            setName("");
            onChanged(`Passkey "${added.name}" added.`);
            await reload();
          }}
        >
          <Field
            id="passkey-name"
            label="Name for the new passkey"
            value={name}
            maxLength={64}
            placeholder="e.g. Phone"
            onChange={(event) => setName(event.target.value)}
          />
        </PasswordConfirmed>
      ) : (
        <p className="notice info">
          Passkeys need a browser that supports them, on a page at a domain name: open this app at localhost rather
          than 127.0.0.1.
        </p>
      )}
    </div>
  );
}

function PasskeyEntry({ client, passkey, onChanged }: { client: AuthClient; passkey: Passkey; onChanged(message: string): void }) {
  const [renaming, setRenaming] = useState(false);
  const [newName, setNewName] = useState(passkey.name);
  const rename = useAccountForm(async () => {
    const renamed = await renamePasskey(client, passkey.id, newName.trim());
    setRenaming(false);
    onChanged(`Passkey renamed to "${renamed.name}".`);
  });
  return (
    <li data-testid="passkey">
      <div>
        <strong>{passkey.name}</strong>
        <span className="badge">{passkey.backed_up ? "Synced" : "This device only"}</span>
        <br />
        <span className="muted">
          Added {when(passkey.created_at)} · {passkey.last_used_at ? `last used ${when(passkey.last_used_at)}` : "not used yet"}
        </span>
        {renaming ? (
          <form onSubmit={rename.onSubmit} noValidate aria-label={`Rename ${passkey.name}`}>
            <Field
              id={`passkey-${passkey.id}-name`}
              label="New name"
              value={newName}
              maxLength={64}
              onChange={(event) => setNewName(event.target.value)}
              error={rename.fieldErrors.name}
              required
            />
            <FormError message={rename.error} />
            <button type="submit" disabled={rename.submitting}>
              Save
            </button>
          </form>
        ) : (
          <button type="button" className="secondary" onClick={() => setRenaming(true)}>
            Rename
          </button>
        )}
      </div>
      <PasswordConfirmed
        name={`Remove ${passkey.name}`}
        hint="It stops signing you in, and devices signed in with a passkey are signed out."
        action={async (password) => {
          await removePasskey(client, passkey.id, password);
          onChanged(`Passkey "${passkey.name}" removed.`);
        }}
      />
    </li>
  );
}
