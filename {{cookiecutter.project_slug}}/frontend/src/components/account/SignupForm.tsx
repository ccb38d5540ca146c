"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { type FieldErrors, PASSWORD_MIN_LENGTH, signUp } from "@/lib/account";

import { useAuth } from "../auth/AuthProvider";
import { Field } from "./Field";
import { FormError } from "./FormMessage";
import { useAccountForm } from "./useAccountForm";

export function SignupForm() {
  const auth = useAuth();
  const router = useRouter();
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const form = useAccountForm(
    async () => {
      if (auth === null) {
        return;
      }
      await signUp(auth.client, username.trim(), email.trim(), password);
      router.push("/check-email?for=signup");
    },
    (): FieldErrors =>
      password.length < PASSWORD_MIN_LENGTH ? { password: `Use at least ${PASSWORD_MIN_LENGTH} characters.` } : {},
  );

  return (
    <section className="card">
      <h1>Create an account</h1>
      <form onSubmit={form.onSubmit} noValidate>
        <Field
          id="username"
          label="Username"
          autoComplete="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          hint="Letters, digits and @ . + - _ only."
          error={form.fieldErrors.username}
          required
        />
        <Field
          id="email"
          label="Email address"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          hint="We send a link there to confirm it is yours."
          error={form.fieldErrors.email}
          required
        />
        <Field
          id="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a good one.`}
          error={form.fieldErrors.password}
          required
        />
        <FormError message={form.error} />
        <button type="submit" disabled={form.submitting || auth === null}>
          {form.submitting ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <p className="muted">
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </section>
  );
}
