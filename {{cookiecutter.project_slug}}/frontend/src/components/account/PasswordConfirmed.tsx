"use client";

import { type ReactNode, useState } from "react";

import { Field } from "./Field";
import { FormError } from "./FormMessage";
import { useAccountForm } from "./useAccountForm";

interface PasswordConfirmedProps {
  /** The button's label, and the form's accessible name. */
  name: string;
  hint: string;
  action(password: string): Promise<void>;
  /** Fields the action needs besides the password, shown above it. */
  children?: ReactNode;
}

/** A button that runs `action` once the current password confirms it is the owner. */
export function PasswordConfirmed({ name, hint, action, children }: PasswordConfirmedProps) {
  const [password, setPassword] = useState("");
  const id = `password-${name.toLowerCase().replaceAll(/[^a-z0-9]+/g, "-")}`;
  const form = useAccountForm(async () => {
    await action(password);
    setPassword("");
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label={name}>
      {children}
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
